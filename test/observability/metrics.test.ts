// /metrics after a scripted session through the real server, read with a
// Prometheus text-format parser: request durations by door and route template,
// GraphQL operations and refusals, token outcomes by issuer and reason, the
// database's queries (and pool, on PostgreSQL), throttle hits, the built-in
// server's grants, audit events and Node's process metrics; on a port of its
// own, never the public one, with no id in any label.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { projectPath } from '../../src/paths.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { StandInIssuer } from '../support/issuer.mjs';

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; count?: string; buckets?: Record<string, string> }[];
}

const AUDIENCE = 'urn:catalogue';
let issuer: StandInIssuer;
let server: TestServer;
let families: Map<string, Family>;
const missingId = '0b3f6c1e-9f7a-4c2e-8d51-3a1f2b4c5d6e';

function jsonApi(path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/vnd.api+json', 'content-type': 'application/vnd.api+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
function graphql(token: string, query: string, operationName?: string): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, operationName }),
  });
}
function postForm(path: string, form: Record<string, string>, auth: string): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth }, body: new URLSearchParams(form).toString() });
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/**
 * Every family by name. The parser folds a labelled histogram's series into
 * one (dropping their labels), so histograms are read a second time as the
 * untyped samples they are made of (NAME_bucket, NAME_sum, NAME_count, each
 * with its labels), beside the family that records their type.
 */
function readExposition(text: string): Map<string, Family> {
  const typed = parsePrometheusTextFormat(text) as Family[];
  const histograms = new Set(typed.filter((f) => f.type === 'HISTOGRAM').map((f) => f.name));
  const untyped = text
    .split('\n')
    .filter((line) => ![...histograms].some((name) => line === `# TYPE ${name} histogram` || line.startsWith(`# HELP ${name} `)))
    .join('\n');
  const all = new Map<string, Family>(typed.map((f) => [f.name, f]));
  for (const f of parsePrometheusTextFormat(untyped) as Family[]) {
    if (!/_(bucket|sum|count)$/.test(f.name) || !histograms.has(f.name.replace(/_(bucket|sum|count)$/, ''))) continue;
    const seen = all.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else all.set(f.name, f);
  }
  return all;
}

function series(name: string, labels: Record<string, string> = {}): Family['metrics'] {
  const family = families.get(name);
  if (!family) throw new Error(`no ${name} in /metrics; families: ${[...families.keys()].join(', ')}`);
  return family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}
function total(name: string, labels: Record<string, string> = {}): number {
  return series(name, labels).reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);
}

beforeAll(async () => {
  issuer = await StandInIssuer.start({ audience: AUDIENCE });
  server = await startTestServer({
    METRICS_PORT: '0',
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_AUDIENCE: AUDIENCE,
    OAUTH_JWKS_URI: issuer.jwksUri,
    OAUTH_INTROSPECTION_URL: issuer.introspectionUrl,
    OAUTH_CLIENT_ID: issuer.clientId,
    OAUTH_CLIENT_SECRET: issuer.clientSecret,
    OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '0',
    API_REQUESTS_PER_MINUTE: '5',
    GRAPHQL_MAX_ALIASES: '2',
  });
  const now = Math.floor(Date.now() / 1000);
  const reader = await issuer.token('read', { sub: 'reader' });
  const writer = await issuer.token('read create', { sub: 'writer' });
  // JSON:API: a page, a missing record (404), a create, and a write refused for want of scope.
  expect((await jsonApi('/v1/courses', reader)).status).toBe(200);
  expect((await jsonApi(`/v1/courses/${missingId}`, reader)).status).toBe(404);
  const created = await jsonApi('/v1/courses', writer, {
    method: 'POST',
    body: { data: { type: 'courses', attributes: { school_bulletin_prefix_code: 'M', suffix_two: '00', subject_area_code: 'MTRC', course_number: '1', course_identifier: 'MTRC1000M', course_name: 'Metrics', course_description: 'm' } } },
  });
  expect(created.status).toBe(201);
  expect((await jsonApi('/v1/courses', reader, { method: 'POST', body: { data: { type: 'courses', attributes: {} } } })).status).toBe(403);
  // GraphQL: a named query, and one refused by the alias limit.
  const gql = await issuer.token('read', { sub: 'graphql' });
  expect((await graphql(gql, 'query CourseList { courses(first: 2) { totalCount } }', 'CourseList')).status).toBe(200);
  expect((await graphql(gql, 'query TooMany { a: courses(first: 1) { totalCount } b: courses(first: 1) { totalCount } c: courses(first: 1) { totalCount } }')).status).toBe(400);
  // Refused tokens: expired, bad signature, wrong audience; an opaque one while introspection is down.
  expect((await jsonApi('/v1/courses', await issuer.sign({ scope: 'read', exp: now - 3_600, iat: now - 7_200 }))).status).toBe(401);
  const [head, body, signature] = (await issuer.token('read', { sub: 'forger' })).split('.');
  expect((await jsonApi('/v1/courses', `${head}.${body}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`)).status).toBe(401);
  expect((await jsonApi('/v1/courses', await issuer.token('read', { aud: 'urn:someone-else' }))).status).toBe(401);
  issuer.introspectionMode = 'down';
  expect((await jsonApi('/v1/courses', issuer.issueOpaque({ scope: 'read', sub: 'opaque', active: true }))).status).toBe(503);
  issuer.introspectionMode = 'normal';
  // The API budget (5 a minute) spent by one caller.
  const busy = await issuer.token('read', { sub: 'busy' });
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await jsonApi('/healthz', undefined), await jsonApi('/v1/courses', busy)).status);
  expect(statuses).toContain(429);
  // The built-in server: a client-credentials grant, and one refused (wrong secret).
  expect((await postForm('/oauth/token', { grant_type: 'client_credentials', scope: 'read' }, basic('demo_client', 'demo_client_secret'))).status).toBe(200);
  expect((await postForm('/oauth/token', { grant_type: 'client_credentials', scope: 'read' }, basic('demo_client', 'wrong'))).status).toBe(401);

  const scraped = await fetch(server.metricsUrl!);
  expect(scraped.status).toBe(200);
  expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  families = readExposition(await scraped.text());
});
afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

describe('/metrics after a scripted session', () => {
  test('is served on METRICS_PORT only, not on the public port', async () => {
    expect(new URL(server.metricsUrl!).port).not.toBe(new URL(server.url).port);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  test('request durations by door, route template, method and status', () => {
    expect(families.get('http_server_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(total('http_server_request_duration_seconds_count', { door: 'jsonapi', route: '/v1/courses', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(total('http_server_request_duration_seconds_count', { door: 'jsonapi', route: '/v1/courses/{id}', method: 'GET', status: '404' })).toBe(1);
    expect(total('http_server_request_duration_seconds_count', { door: 'jsonapi', route: '/v1/courses', method: 'POST', status: '201' })).toBe(1);
    expect(total('http_server_request_duration_seconds_count', { door: 'graphql', route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(total('http_server_request_duration_seconds_count', { door: 'oauth', route: '/oauth/token', method: 'POST' })).toBe(2);
    expect(total('http_server_request_duration_seconds_count', { door: 'other', route: '/healthz' })).toBe(6);
  });

  test('no raw URL or id in any label value', () => {
    for (const family of families.values()) {
      for (const m of family.metrics) {
        for (const value of Object.values(m.labels ?? {})) {
          expect(value).not.toContain(missingId);
          expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
          expect(value).not.toMatch(/reader|writer|busy|forger/);
        }
      }
    }
  });

  test('GraphQL operations by type and name, and refusals by limit', () => {
    expect(total('graphql_operation_duration_seconds_count', { operation_type: 'query', operation_name: 'CourseList', outcome: 'ok' })).toBe(1);
    expect(total('graphql_refusals_total', { limit: 'aliases' })).toBe(1);
  });

  test('token outcomes by issuer and reason', () => {
    const at = { issuer: issuer.issuer };
    expect(total('auth_token_outcomes_total', { ...at, outcome: 'accepted' })).toBeGreaterThanOrEqual(5);
    expect(total('auth_token_outcomes_total', { ...at, outcome: 'expired' })).toBe(1);
    expect(total('auth_token_outcomes_total', { ...at, outcome: 'bad_signature' })).toBe(1);
    expect(total('auth_token_outcomes_total', { ...at, outcome: 'wrong_audience' })).toBe(1);
    expect(total('auth_token_outcomes_total', { ...at, outcome: 'insufficient_scope' })).toBe(1);
    expect(total('auth_token_outcomes_total', { issuer: 'opaque', outcome: 'introspection_down' })).toBe(1);
  });

  test('database query durations, and the pool on PostgreSQL', () => {
    expect(total('db_query_duration_seconds_count', { database: 'primary' })).toBeGreaterThan(3);
    if (server.db.kind === 'postgres') {
      for (const name of ['db_pool_connections_in_use', 'db_pool_connections_idle', 'db_pool_requests_waiting']) expect(series(name, { database: 'primary' })).toHaveLength(1);
      expect(total('db_pool_connections_idle')).toBeGreaterThanOrEqual(1);
    }
  });

  test('throttle hits, grants, audit events and process metrics', () => {
    expect(total('throttle_hits_total', { limiter: 'api_requests' })).toBeGreaterThanOrEqual(1);
    expect(total('oauth_grants_total', { grant_type: 'client_credentials', outcome: 'issued' })).toBe(1);
    expect(total('audit_events_total', { resource: 'courses', operation: 'create', outcome: 'success' })).toBe(1);
    expect(families.has('import_rows_total')).toBe(true);
    expect(total('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(families.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });
});

describe('the documented queries', () => {
  /** The metric names a PromQL expression selects; throws when Prometheus's grammar does not parse it. */
  function selected(expression: string): string[] {
    const tree = promql.parse(expression);
    const names: string[] = [];
    let error = false;
    tree.iterate({
      enter(node) {
        if (node.type.isError) error = true;
        if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expression.slice(node.from, node.to));
      },
    });
    if (error) throw new Error(`not PromQL: ${expression}`);
    return names;
  }
  const served = (name: string) => families.has(name);

  test("every PromQL query of docs/operations.md parses and names only series /metrics serves", () => {
    const doc = readFileSync(projectPath('docs/operations.md'), 'utf8');
    const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const queries = blocks.flatMap((b) => b.split(/\n\s*\n/)).map((q) => q.trim()).filter(Boolean);
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const query of queries) for (const name of selected(query)) expect([query, served(name)]).toEqual([query, true]);
  });

  test('every query of docs/grafana-dashboard.json parses and names only series /metrics serves', () => {
    const dashboard = JSON.parse(readFileSync(projectPath('docs/grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const queries = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*'));
    expect(queries.length).toBeGreaterThanOrEqual(20);
    for (const query of queries) for (const name of selected(query)) expect([query, served(name)]).toEqual([query, true]);
  });
});
