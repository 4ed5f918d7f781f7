// Every setting of the server, read from the environment and validated once at
// start-up. A bad value stops the process with a message naming the variable
// (see src/main.ts); nothing else in the code reads process.env.
import { z } from 'zod';
import { projectPath } from './paths.js';
import { DEV_ORIGIN_PATTERNS, parseOriginPattern, type OriginPattern } from './http/origins.js';

const flag = (fallback: boolean) =>
  z
    .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'expected 0 or 1 (or true/false)' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a number from ${min} to ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

const url = z.url({ message: 'expected an absolute URL' }).optional();
const text = z.string().min(1).optional();
/** A short name for an issuer, tagging actor names (`name@label`) when several issuers are trusted. */
export const ISSUER_LABEL = /^[A-Za-z0-9._~:/+-]{1,40}$/;
export const ISSUER_LABEL_MESSAGE = 'expected 1 to 40 characters: letters, digits and . _ ~ : / + -';
const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined));

/** CORS_ORIGINS: comma-separated origins (src/http/origins.ts), each checked here. */
const originList = list.transform((entries, ctx) => {
  if (!entries) return undefined;
  const patterns: OriginPattern[] = [];
  for (const entry of entries) {
    const parsed = parseOriginPattern(entry);
    if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    else patterns.push(parsed.pattern);
  }
  return patterns;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(8000, 0, 65535),
  /** Unset: every address, IPv6 and IPv4 (Node's default), so http://localhost works either way. */
  HOST: z.string().optional(),
  /** The server's own address as clients see it: absolute links, OAuth issuer. */
  PUBLIC_URL: url,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: originList,
  TRUST_PROXY: flag(false),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 600_000),
  /** On SIGTERM: /readyz answers 503 for this long, requests still served, before the port closes. */
  SHUTDOWN_DRAIN_MS: int(0, 0, 600_000),
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 50, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 50, 3_600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(65_000, 1, 600_000),
  HTTP_MAX_CONNECTIONS: int(1_024, 1, 1_000_000),
  /** Unset: 100, or 0 (no cap) with TRUST_PROXY=1, where every connection comes from the proxy. */
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: int(0, 0, 1_000_000).optional(),
  /** A response not handed entirely to the OS this long after its headers: connection closed; 0: never. */
  HTTP_SEND_TIMEOUT_MS: int(30_000, 0, 3_600_000),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_POOL_SIZE: int(10, 1, 1000),
  /** Read replicas (src/db/replicas.ts): comma-separated postgres:// URLs; reads go there, writes to DATABASE_URL. */
  DATABASE_READ_URLS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^postgres(ql)?:\/\/\S+$/, { message: 'expected comma-separated postgres:// URLs' }))),
  /** After a caller writes, its reads go to the primary for this long (read-your-writes). */
  DATABASE_READ_YOUR_WRITES_MS: int(5_000, 0, 3_600_000),
  /** How often a replica taken out of rotation is tried again, and the healthy ones checked. */
  DATABASE_REPLICA_CHECK_MS: int(2_000, 100, 600_000),
  /** PostgreSQL: each statement of a request is stopped after this long (statement_timeout); 0: never. */
  DATABASE_STATEMENT_TIMEOUT_MS: int(5_000, 0, 3_600_000),
  DATA_DIR: z.string().default('./data'),
  MIGRATE_ON_START: flag(true),
  DEMO_DATA: flag(true),
  /** Where throttling counters live when several instances must share them; unset: each process's memory. */
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, { message: 'expected a redis:// or rediss:// URL' }).optional(),
  /** Namespace of this deployment's keys in Redis (several may share one server). */
  REDIS_KEY_PREFIX: z.string().max(100).default('course-catalogue:'),

  OAUTH_ISSUER: url,
  OAUTH_AUDIENCE: text,
  OAUTH_JWKS_URI: url,
  OAUTH_INTROSPECTION_URL: url,
  OAUTH_CLIENT_ID: text,
  OAUTH_CLIENT_SECRET: text,
  OAUTH_POLICY_FILE: text,
  OAUTH_ISSUERS_FILE: text,
  OAUTH_ISSUER_LABEL: z.string().regex(ISSUER_LABEL, { message: ISSUER_LABEL_MESSAGE }).optional(),
  OAUTH_REALM: z.string().default('course-catalogue'),
  OAUTH_CLOCK_TOLERANCE_S: int(30, 0, 600),
  OAUTH_INTROSPECTION_TIMEOUT_MS: int(2_000, 50, 60_000),
  OAUTH_INTROSPECTION_CACHE_S: int(60, 0, 3_600),
  OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: int(5, 0, 300),
  OAUTH_INTROSPECTION_REQUIRE_AUDIENCE: flag(false),

  DEV_AUTH_SERVER: flag(true).optional(),
  DEV_CLIENT_SECRET: text,
  DEV_COOKIE_SECRET: text,
  /** Encrypts the built-in server's private keys in the database (src/oauth/key-store.ts); production: required. */
  DEV_KEYS_SECRET: text,
  /** How often each instance rereads the built-in server's keys (a rotation on one is seen by all). */
  DEV_KEYS_REFRESH_S: int(10, 1, 3_600),
  DEV_USERS_FILE: text,
  DEV_CLIENTS_FILE: text,
  ACCESS_TOKEN_TTL_S: int(600, 30, 86_400),
  DEV_AUTH_MAX_FAILURES: int(10, 1, 10_000),
  DEV_AUTH_MAX_FAILURES_PER_NAME: int(100, 1, 1_000_000),
  DEV_AUTH_MAX_FAILURES_PER_ADDRESS: int(100, 1, 1_000_000),
  DEV_AUTH_FAILURE_WINDOW_S: int(86_400, 1, 2_000_000),
  DEV_AUTH_BLOCK_S: int(900, 1, 2_000_000),
  /** Anonymous authorization requests (src/oauth/request-limits.ts, src/oauth/store.ts). */
  DEV_AUTH_REQUESTS_PER_MINUTE: int(60, 0, 1_000_000),
  DEV_AUTH_MAX_REQUEST_BYTES: int(4_096, 1_024, 56 * 1_024),
  DEV_AUTH_INTERACTION_TTL_S: int(600, 60, 3_600),
  DEV_AUTH_MAX_INTERACTIONS_PER_ADDRESS: int(20, 1, 10_000),
  DEV_AUTH_MAX_INTERACTIONS: int(1_000, 1, 1_000_000),

  /** The API-wide budget per caller (src/http/budget.ts); 0: none. */
  API_REQUESTS_PER_MINUTE: int(0, 0, 100_000_000),
  GRAPHQL_COST_PER_MINUTE: int(0, 0, 1_000_000_000),

  GRAPHQL_INTROSPECTION: flag(true).optional(),
  GRAPHQL_MAX_DEPTH: int(8, 1, 100),
  GRAPHQL_MAX_COST: int(5_000, 10, 1_000_000),
  GRAPHQL_MAX_ALIASES: int(15, 1, 1_000),

  /** Prometheus metrics at /metrics on this port (src/observability/metrics.ts); unset: no metrics. */
  METRICS_PORT: int(0, 0, 65_535).optional(),
  METRICS_HOST: z.string().optional(),
  /** Traces: GraphQL resolver spans only for resolvers slower than this (src/observability/graphql.ts). */
  OTEL_RESOLVER_SPAN_MIN_MS: int(10, 0, 600_000),
  /** The audit trail (src/resources/audit.ts): to the log, and optionally to the audit_event table. */
  AUDIT_LOG: flag(true),
  AUDIT_TABLE: flag(false),
  AUDIT_RETENTION_DAYS: int(90, 0, 36_500),

  /** All-or-nothing writes (src/resources/atomic.ts): operations per request. */
  ATOMIC_MAX_OPERATIONS: int(100, 1, 10_000),
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  production: boolean;
  port: number;
  host?: string;
  /** Without a trailing slash. When PUBLIC_URL is unset: http://localhost:PORT. */
  publicUrl: string;
  logLevel: Env['LOG_LEVEL'];
  /** Origins allowed to call /v1 and /graphql from a browser (src/http/origins.ts patterns). */
  corsOrigins: OriginPattern[];
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  shutdownDrainMs: number;
  /** Node's HTTP server limits against slow or idle clients (src/server.ts). */
  http: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxConnections: number;
    /** Open connections from one client address; 0: no cap. */
    maxConnectionsPerAddress: number;
    /** How long a response may take to be handed to the OS once its headers are written; 0: no limit. */
    sendTimeoutMs: number;
  };
  database: { url?: string; readUrls: string[]; readYourWritesMs: number; replicaCheckMs: number; poolSize: number; statementTimeoutMs: number; dataDir: string; migrateOnStart: boolean; demoData: boolean };
  /** Throttling counters in Redis (src/throttle/limiters.ts); unset: in memory. */
  redisUrl?: string;
  redisKeyPrefix: string;
  oauth: {
    issuer?: string;
    audience?: string;
    jwksUri?: string;
    introspectionUrl?: string;
    clientId?: string;
    clientSecret?: string;
    policyFile?: string;
    issuersFile?: string;
    /** Tags actor names of OAUTH_ISSUER's tokens when several issuers are trusted. */
    issuerLabel?: string;
    realm: string;
    clockToleranceS: number;
    introspectionTimeoutMs: number;
    introspectionCacheS: number;
    /** How long an inactive or refused introspection answer is remembered; 0: not at all. */
    introspectionNegativeCacheS: number;
    /** Refuse introspection answers that name no audience (issuers may override it in the issuers file). */
    introspectionRequireAudience: boolean;
  };
  devAuthServer: {
    enabled: boolean;
    clientSecret?: string;
    cookieSecret?: string;
    keysSecret?: string;
    keysRefreshS: number;
    usersFile?: string;
    clientsFile?: string;
    accessTokenTtlS: number;
    /** Failed sign-ins and client authentications (src/oauth/throttle.ts). */
    throttle: {
      /** Failures in a row for one name (user or client id) from one address before both are blocked. */
      maxFailures: number;
      /** Failures for one name from any address, within the window. */
      maxFailuresPerName: number;
      /** Failures from one address for any name, within the window. */
      maxFailuresPerAddress: number;
      windowS: number;
      blockS: number;
    };
    /** What anonymous authorization requests may cost (src/oauth/request-limits.ts, src/oauth/store.ts). */
    requests: {
      /** Authorization and pushed authorization requests per address per minute; 0: not counted. */
      perMinute: number;
      /** Largest query string plus body of one. */
      maxBytes: number;
      /** How long a started sign-in may take. */
      interactionTtlS: number;
      /** Unfinished sign-ins (and pushed requests) kept per address and overall; beyond, the least recently used goes. */
      maxInteractionsPerAddress: number;
      maxInteractions: number;
    };
  };
  /** Requests and GraphQL cost per minute per caller, through both doors; 0: no budget. */
  budget: { requestsPerMinute: number; costPerMinute: number };
  graphql: { introspection: boolean; maxDepth: number; maxCost: number; maxAliases: number };
  /** Prometheus metrics (a port of their own, never the public one) and trace settings (docs/operations.md). */
  observability: { metricsPort?: number; metricsHost?: string; resolverSpanMinMs: number };
  /** Audit events of writes: to the log and/or the audit_event table, kept retentionDays (0: forever). */
  audit: { log: boolean; table: boolean; retentionDays: number };
  /** All-or-nothing writes: JSON:API Atomic Operations and GraphQL @atomic mutations. */
  atomic: { maxOperations: number };
}

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as shells and .env files commonly produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // Node refuses a headers timeout longer than the request timeout (the headers are part of the request).
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError([`HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}), got ${e.HTTP_HEADERS_TIMEOUT_MS}`]);
  }
  if (e.DATABASE_READ_URLS.length && !e.DATABASE_URL) {
    throw new ConfigError(['DATABASE_READ_URLS: read replicas need DATABASE_URL (the primary); the embedded database has none']);
  }
  const port = e.PORT;
  return {
    env: e.NODE_ENV,
    production,
    port,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    // Unset: frontend dev servers on this machine outside production, nobody in production.
    corsOrigins: e.CORS_ORIGINS ?? (production ? [] : [...DEV_ORIGIN_PATTERNS]),
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.HTTP_MAX_CONNECTIONS_PER_ADDRESS ?? (e.TRUST_PROXY ? 0 : 100),
      sendTimeoutMs: e.HTTP_SEND_TIMEOUT_MS,
    },
    database: {
      url: e.DATABASE_URL,
      readUrls: e.DATABASE_READ_URLS,
      readYourWritesMs: e.DATABASE_READ_YOUR_WRITES_MS,
      replicaCheckMs: e.DATABASE_REPLICA_CHECK_MS,
      poolSize: e.DATABASE_POOL_SIZE,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      dataDir: e.DATA_DIR,
      migrateOnStart: e.MIGRATE_ON_START,
      demoData: e.DEMO_DATA,
    },
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    oauth: {
      issuer: e.OAUTH_ISSUER,
      audience: e.OAUTH_AUDIENCE,
      jwksUri: e.OAUTH_JWKS_URI,
      introspectionUrl: e.OAUTH_INTROSPECTION_URL,
      clientId: e.OAUTH_CLIENT_ID,
      clientSecret: e.OAUTH_CLIENT_SECRET,
      // Development (npm start): the scope table with the demo's row rules (docs/policy.md).
      policyFile: e.OAUTH_POLICY_FILE ?? (e.NODE_ENV === 'development' ? projectPath('src/auth/policies/development-policy.json') : undefined),
      issuersFile: e.OAUTH_ISSUERS_FILE,
      issuerLabel: e.OAUTH_ISSUER_LABEL,
      realm: e.OAUTH_REALM,
      clockToleranceS: e.OAUTH_CLOCK_TOLERANCE_S,
      introspectionTimeoutMs: e.OAUTH_INTROSPECTION_TIMEOUT_MS,
      introspectionCacheS: e.OAUTH_INTROSPECTION_CACHE_S,
      introspectionNegativeCacheS: e.OAUTH_INTROSPECTION_NEGATIVE_CACHE_S,
      introspectionRequireAudience: e.OAUTH_INTROSPECTION_REQUIRE_AUDIENCE,
    },
    devAuthServer: {
      enabled: e.DEV_AUTH_SERVER ?? !production,
      clientSecret: e.DEV_CLIENT_SECRET,
      cookieSecret: e.DEV_COOKIE_SECRET,
      keysSecret: e.DEV_KEYS_SECRET,
      keysRefreshS: e.DEV_KEYS_REFRESH_S,
      usersFile: e.DEV_USERS_FILE,
      clientsFile: e.DEV_CLIENTS_FILE,
      accessTokenTtlS: e.ACCESS_TOKEN_TTL_S,
      throttle: {
        maxFailures: e.DEV_AUTH_MAX_FAILURES,
        maxFailuresPerName: e.DEV_AUTH_MAX_FAILURES_PER_NAME,
        maxFailuresPerAddress: e.DEV_AUTH_MAX_FAILURES_PER_ADDRESS,
        windowS: e.DEV_AUTH_FAILURE_WINDOW_S,
        blockS: e.DEV_AUTH_BLOCK_S,
      },
      requests: {
        perMinute: e.DEV_AUTH_REQUESTS_PER_MINUTE,
        maxBytes: e.DEV_AUTH_MAX_REQUEST_BYTES,
        interactionTtlS: e.DEV_AUTH_INTERACTION_TTL_S,
        maxInteractionsPerAddress: e.DEV_AUTH_MAX_INTERACTIONS_PER_ADDRESS,
        maxInteractions: e.DEV_AUTH_MAX_INTERACTIONS,
      },
    },
    budget: { requestsPerMinute: e.API_REQUESTS_PER_MINUTE, costPerMinute: e.GRAPHQL_COST_PER_MINUTE },
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxCost: e.GRAPHQL_MAX_COST,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
    },
    observability: { metricsPort: e.METRICS_PORT, metricsHost: e.METRICS_HOST ?? e.HOST, resolverSpanMinMs: e.OTEL_RESOLVER_SPAN_MIN_MS },
    audit: { log: e.AUDIT_LOG, table: e.AUDIT_TABLE, retentionDays: e.AUDIT_RETENTION_DAYS },
    atomic: { maxOperations: e.ATOMIC_MAX_OPERATIONS },
  };
}
