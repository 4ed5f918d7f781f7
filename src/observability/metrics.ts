// Prometheus metrics (prom-client), served at /metrics on a port of their own
// (METRICS_PORT), never on the public one. Off unless that port is set: then
// every count below is a no-op and no middleware or listener is installed.
//
// Labels are bounded: door and route templates (never raw URLs), GraphQL
// operation types and names (the first MAX_OPERATION_NAMES names seen, then
// "other"), trusted issuers' labels, fixed reasons and outcomes. No id, user
// or client name is ever a label. docs/operations.md lists every series.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Why a bearer token was accepted or refused (the context builder decides; src/auth/context.ts). */
export type TokenOutcome =
  | 'accepted'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_signature'
  | 'unknown_key'
  | 'wrong_audience'
  | 'untrusted_issuer'
  | 'malformed'
  | 'inactive'
  | 'insufficient_scope'
  | 'forbidden_claim'
  | 'introspection_down'
  | 'invalid';

export type Door = 'jsonapi' | 'graphql' | 'oauth' | 'other';

/** GraphQL operation names are the client's to choose: this many distinct ones become labels, the rest "other". */
export const MAX_OPERATION_NAMES = 200;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DB_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

export const registry = new Registry();

const httpDuration = new Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'HTTP requests by door, route template, method and status class',
  labelNames: ['door', 'route', 'method', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const graphqlDuration = new Histogram({
  name: 'graphql_operation_duration_seconds',
  help: 'GraphQL operations by type, name and outcome (ok: no errors)',
  labelNames: ['operation_type', 'operation_name', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const graphqlRefusals = new Counter({
  name: 'graphql_refusals_total',
  help: 'GraphQL operations refused by a limit (depth, cost, aliases, directives, fragments, tokens)',
  labelNames: ['limit'] as const,
  registers: [registry],
});
const tokenOutcomes = new Counter({
  name: 'auth_token_outcomes_total',
  help: 'Bearer tokens by issuer (the trusted issuer label, or "untrusted") and outcome',
  labelNames: ['issuer', 'outcome'] as const,
  registers: [registry],
});
const dbQueryDuration = new Histogram({
  name: 'db_query_duration_seconds',
  help: 'Database queries run by Prisma (as Prisma times them)',
  labelNames: ['database'] as const,
  buckets: DB_SECONDS,
  registers: [registry],
});
const throttleHits = new Counter({
  name: 'throttle_hits_total',
  help: 'Requests refused by a throttle or budget',
  labelNames: ['limiter'] as const,
  registers: [registry],
});
const grants = new Counter({
  name: 'oauth_grants_total',
  help: 'Token requests to the built-in authorization server by grant type and outcome',
  labelNames: ['grant_type', 'outcome'] as const,
  registers: [registry],
});
const importRows = new Counter({
  name: 'import_rows_total',
  help: 'Rows of bulk imports by resource and outcome',
  labelNames: ['resource', 'outcome'] as const,
  registers: [registry],
});
const auditEvents = new Counter({
  name: 'audit_events_total',
  help: 'Audit events of writes by resource, operation and outcome',
  labelNames: ['resource', 'operation', 'outcome'] as const,
  registers: [registry],
});

/** Connection pools whose state the pool gauges read when scraped. */
export interface PoolState {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new Map<string, () => PoolState | undefined>();
const poolGauge = (name: string, help: string, read: (p: PoolState) => number) =>
  new Gauge({
    name,
    help,
    labelNames: ['database'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [database, state] of pools) {
        const s = state();
        if (s) this.set({ database }, read(s));
      }
    },
  });
poolGauge('db_pool_connections_in_use', 'Database pool connections checked out', (p) => p.totalCount - p.idleCount);
poolGauge('db_pool_connections_idle', 'Database pool connections open and idle', (p) => p.idleCount);
poolGauge('db_pool_requests_waiting', 'Queries waiting for a pool connection', (p) => p.waitingCount);

let enabled = false;
let defaultsCollected = false;

/** Turns counting on (METRICS_PORT set); Node's default process metrics are collected from then on. */
export function enableMetrics(): void {
  enabled = true;
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: registry });
    defaultsCollected = true;
  }
}

export function metricsEnabled(): boolean {
  return enabled;
}

export function countToken(issuer: string, outcome: TokenOutcome): void {
  if (enabled) tokenOutcomes.inc({ issuer, outcome });
}

export function countGraphqlRefusal(limit: string): void {
  if (enabled) graphqlRefusals.inc({ limit });
}

export function countThrottleHit(limiter: string): void {
  if (enabled) throttleHits.inc({ limiter });
}

export function countGrant(grantType: string, outcome: 'issued' | 'refused'): void {
  if (enabled) grants.inc({ grant_type: KNOWN_GRANTS.has(grantType) ? grantType : 'other', outcome });
}

/** For the bulk import (src/resources/import.ts): rows by outcome (e.g. created, updated, skipped, failed). */
export function countImportRows(resource: string, outcome: string, rows = 1): void {
  if (enabled && rows > 0) importRows.inc({ resource, outcome }, rows);
}

export function countAuditEvent(resource: string, operation: string, outcome: string): void {
  if (enabled) auditEvents.inc({ resource, operation, outcome });
}

export function observeDbQuery(database: string, ms: number): void {
  if (enabled) dbQueryDuration.observe({ database }, ms / 1000);
}

/** The pool gauges read `state` at each scrape; returns the function that stops it. */
export function watchPool(database: string, state: () => PoolState | undefined): () => void {
  pools.set(database, state);
  return () => {
    if (pools.get(database) === state) pools.delete(database);
  };
}

const KNOWN_GRANTS = new Set([
  'authorization_code',
  'client_credentials',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:openid:params:grant-type:ciba',
]);

const operationNames = new Set<string>();

/** An operation name as a label: the first MAX_OPERATION_NAMES distinct names, then "other". */
function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return 'other';
  operationNames.add(name);
  return name;
}

export function observeGraphqlOperation(type: string | undefined, name: string | null | undefined, outcome: 'ok' | 'error', seconds: number): void {
  if (!enabled) return;
  graphqlDuration.observe({ operation_type: type ?? 'unknown', operation_name: type ? operationLabel(name) : 'unknown', outcome }, seconds);
}

/** The route template of a JSON:API path (its types are the registry's; ids and relationships become placeholders). */
export type JsonApiTemplate = (path: string) => string | undefined;

const OAUTH_ROUTES = new Set(['auth', 'token', 'jwks', 'me', 'introspection', 'token/introspection', 'revocation', 'token/revocation', 'session', 'request', 'reg', 'interaction', '.well-known']);

export function doorOf(path: string): Door {
  if (path === '/v1' || path.startsWith('/v1/')) return 'jsonapi';
  if (path === '/graphql' || path.startsWith('/graphql/')) return 'graphql';
  if (path === '/oauth' || path.startsWith('/oauth/')) return 'oauth';
  return 'other';
}

export function routeOf(req: Request, door: Door, path: string, status: number, jsonapi: JsonApiTemplate): string {
  // Express routes (health, OpenAPI, assets): their own template.
  const route = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  switch (door) {
    case 'jsonapi':
      return jsonapi(path) ?? 'unmatched';
    case 'graphql':
      return '/graphql';
    case 'oauth': {
      const rest = path.slice('/oauth/'.length);
      const first = rest.split('/')[0] ?? '';
      const two = rest.split('/').slice(0, 2).join('/');
      if (OAUTH_ROUTES.has(two)) return `/oauth/${two}`;
      return OAUTH_ROUTES.has(first) ? `/oauth/${first}` : '/oauth';
    }
    default:
      return status === 404 ? 'unmatched' : path === '/docs' || path.startsWith('/docs/') ? '/docs' : 'other';
  }
}

/** Times every request (first in the chain), labelled once it is answered. */
export function requestMetrics(jsonapi: JsonApiTemplate): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const path = req.path;
    res.once('finish', () => {
      const door = doorOf(path);
      const status = res.statusCode;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      httpDuration.observe({ door, route: routeOf(req, door, path, status, jsonapi), method: METHODS.has(req.method) ? req.method : 'OTHER', status: String(status) }, seconds);
    });
    next();
  };
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** /metrics alone, on a listener of its own (METRICS_PORT, METRICS_HOST). */
export async function startMetricsServer(port: number, host: string | undefined): Promise<MetricsServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
