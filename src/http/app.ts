// Assembles the Express application: cross-cutting middleware, then each door.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from './logger.js';
import { healthRoutes } from './health.js';
import { apiCors } from './cors.js';
import { httpLogSerializers } from './redact.js';
import { createServices } from '../resources/service.js';
import { AtomicWrites } from '../resources/atomic.js';
import { jsonapiRouter } from '../jsonapi/index.js';
import { createContextBuilder } from '../auth/context.js';
import { createAuthorizationServer, DEFAULT_CLIENT_SECRET, DEMO_CLIENT_ID, PLAYGROUND_CLIENT_ID } from '../oauth/index.js';
import { OPERATIONS } from '../resources/operations.js';
import { graphqlMiddleware } from '../graphql/middleware.js';
import { openLimiterStore, type LimiterStore } from '../throttle/limiters.js';
import { budgetedContextBuilder, createApiBudget } from './budget.js';
import { openRecentWriters, readRoutingContextBuilder } from '../db/read-routing.js';
import { doorOf, metricsEnabled, requestMetrics, routeOf } from '../observability/metrics.js';
import { jsonapiRouteTemplate } from '../observability/routes.js';
import { requestTracing, tracingActive } from '../observability/tracing.js';
import { createAuditTrail } from '../resources/audit.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  /** Set when the server shuts down: /readyz answers 503 from then on. */
  lifecycle?: { readonly draining: boolean };
}

export interface AppHandle {
  app: Express;
  /** Fetches what the first request would otherwise wait for (the trusted issuers' keys). */
  warm(): Promise<void>;
  /** Releases what the app holds (the built-in authorization server's store, caches). */
  close(): Promise<void>;
}

/** An X-Request-Id taken as it comes: short, and only characters that are safe in a log and a header. */
const REQUEST_ID = /^[\w.:@-]{1,128}$/;

export async function createApp(deps: AppDeps): Promise<AppHandle> {
  const { config, db, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false); // the JSON:API door computes its own strong ETags
  // Traces: the server span's route, and a trace id for the log lines of requests left unsampled (src/observability/tracing.ts).
  if (tracingActive()) app.use(requestTracing((req, path, status) => routeOf(req, doorOf(path), path, status, jsonapiRouteTemplate)));
  // Request durations by door and route template, when METRICS_PORT is set (src/observability/metrics.ts).
  if (metricsEnabled()) app.use(requestMetrics(jsonapiRouteTemplate));
  app.use(
    pinoHttp({
      logger,
      // Every request line goes through the redacting serializers (./redact.ts): no token, code or cookie in the log.
      serializers: httpLogSerializers,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // The request id of log lines and audit events: the caller's (or proxy's) X-Request-Id when it is a plain token, else a new UUID; answered back.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
    }),
  );
  app.use(
    helmet({
      // The playground, Swagger UI and sign-in pages are served from this origin
      // only; they need inline bootstrapping scripts and styles.
      contentSecurityPolicy: {
        useDefaults: true,
        directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"], 'form-action': null },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  // Browser apps may call the API doors from CORS_ORIGINS; /oauth decides per client (./cors.ts).
  app.use(['/v1', '/graphql'], apiCors(config.corsOrigins));
  app.use(healthRoutes(db, deps.lifecycle));
  // The built-in authorization server (src/oauth; off in production): trusted like any outside issuer, via its JWKS.
  let budgetStore: LimiterStore | undefined;
  let closeRecentWriters: () => Promise<void> | undefined = () => undefined;
  let audit: ReturnType<typeof createAuditTrail>;
  const authorizationServer = await createAuthorizationServer({ config, logger, publicUrl: deps.publicUrl, db });
  try {
    if (authorizationServer) app.use('/oauth', authorizationServer.router);
    // The one token-verifying context builder (src/auth): passed to the JSON:API and GraphQL doors.
    // Every write records an audit event on this trail (src/resources/audit.ts), attached to each request's context.
    audit = createAuditTrail(config.audit, logger, db.prisma);
    const verifier = await createContextBuilder({ config, logger, audit, extraIssuers: authorizationServer ? [authorizationServer.trustedIssuer] : [] });
    // The API-wide budget per caller (./budget.ts): spent once per request after authentication, and by GraphQL cost.
    budgetStore = config.budget.requestsPerMinute || config.budget.costPerMinute ? await openLimiterStore(config, logger) : undefined;
    const budget = createApiBudget(config.budget, budgetStore);
    const budgeted = budgetedContextBuilder(verifier, budget);
    // Read replicas (DATABASE_READ_URLS): each request's reader, with read-your-writes per caller (src/db/read-routing.ts).
    const recentWriters = db.replicas ? await openRecentWriters(config, logger) : undefined;
    closeRecentWriters = () => recentWriters?.close();
    const auth = db.replicas && recentWriters ? readRoutingContextBuilder(budgeted, db.replicas, db.prisma, recentWriters) : budgeted;
    // The one set of resource services both doors call (src/resources).
    const services = createServices(db.prisma);
    // All-or-nothing writes over the same services, in one transaction (JSON:API Atomic Operations, GraphQL @atomic).
    const atomic = new AtomicWrites(db.prisma, config.atomic.maxOperations);
    // The JSON:API door: /v1/…, /v1/openapi.json, /v1/postman.json, /docs; its
    // documents sign in through the built-in server, described here so that
    // the door does not import src/oauth (oidc-provider's default routes).
    const issuer = authorizationServer?.trustedIssuer.issuer;
    const signIn = issuer
      ? {
          issuer,
          authorizationEndpoint: `${issuer}/auth`,
          tokenEndpoint: `${issuer}/token`,
          browserClientId: PLAYGROUND_CLIENT_ID,
          toolClientId: DEMO_CLIENT_ID,
          // Only the documented local default is handed out; any other secret is the user's to fill in.
          toolClientSecret: !config.production && !config.devAuthServer.clientSecret ? DEFAULT_CLIENT_SECRET : '',
          apiScopes: OPERATIONS,
          signInScopes: ['openid', ...OPERATIONS],
        }
      : null;
    app.use(jsonapiRouter({ services, atomic, auth, publicUrl: deps.publicUrl, signIn }));
    // The GraphQL door: /graphql (API and, in a browser, the playground).
    app.use('/graphql', await graphqlMiddleware({ services, atomic, auth, budget, config, publicUrl: deps.publicUrl, logger, issuer: authorizationServer?.trustedIssuer.issuer }));
    return {
      app,
      warm: () => auth.warm(),
      async close() {
        auth.close?.();
        await budgetStore?.close();
    await closeRecentWriters();
        await closeRecentWriters();
        await authorizationServer?.close();
        await audit?.close();
      },
    };
  } catch (error) {
    await audit?.close();
    await budgetStore?.close();
    await authorizationServer?.close();
    throw error;
  }
}
