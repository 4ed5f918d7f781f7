// The GraphQL door: Apollo Server 5 on Express (`@as-integrations/express5`)
// at /graphql, the playground at GET /graphql in a browser, and the request's
// caller from the shared context builder (nothing else reads Authorization).
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError } from 'graphql';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { ContextBuilder } from '../auth/context.js';
import { extractBearerToken } from '../auth/bearer.js';
import { authErrorResponse, isAuthError, RateLimitedError } from '../auth/errors.js';
import type { RequestContext } from '../auth/types.js';
import type { Config } from '../config.js';
import { bodyReadError } from '../http/body-errors.js';
import { budgetKey, type ApiBudget } from '../http/budget.js';
import type { Logger } from '../logger.js';
import { MAX_INCLUDE_DEPTH } from '../resources/list-policy.js';
import { ALL_OPERATIONS_SCOPE } from '../resources/operations.js';
import type { AtomicWrites } from '../resources/atomic.js';
import type { Services } from '../resources/service.js';
import { atomicPlugin } from './atomic.js';
import { graphqlContext, type GraphQLContext } from './context.js';
import { GRAPHQL_CODES } from './codes.js';
import { authCode } from './errors.js';
import { formatError } from './format-error.js';
import { operationLimits } from './limits/operation-limits.js';
import { assetRoute } from './playground/assets.js';
import { playgroundPage } from './playground/page.js';
import { graphqlSchema } from './schema.js';
import { writeAuthorizationPlugin } from './write-authorization.js';
import { observabilityPlugin } from '../observability/graphql.js';

export interface GraphQLDoorOptions {
  services: Services;
  /** All-or-nothing writes: `mutation … @atomic` (./atomic.ts). */
  atomic: AtomicWrites;
  auth: ContextBuilder;
  config: Config;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  logger?: Logger;
  /** The API-wide budget per caller; GraphQL spends its operations' cost from it. */
  budget?: ApiBudget;
  /** The built-in authorization server's issuer, for the playground's sign-in button. */
  issuer?: string;
}

/** Most directives an operation may use (counted as for aliases: per fragment spread). */
export const maxDirectives = 20;

/** Most fragment definitions in one document (graphql-js's field-merging check is quadratic in them). */
export const maxFragments = 100;

/** Longest operation document, in lexical tokens. */
export const maxTokens = 5_000;

/** Largest request body accepted (a query document and its variables). */
export const maxBodySize = '100kb';

/** A GraphQL-shaped error response for failures before GraphQL runs (bad JSON, bad token). */
function sendError(res: express.Response, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
  res.status(status).set(headers).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

/** Spends an operation's cost; a spent budget is the request's answer: 429 with Retry-After, before anything runs. */
async function chargeCost(budget: ApiBudget, key: string, cost: number, res: express.Response): Promise<void> {
  try {
    await budget.spend('cost', key, cost, res);
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { code: authCode(error), http: { status: 429, headers: new HeaderMap([['retry-after', String(error.retryAfterS)]]) } },
    });
  }
}

export async function graphqlMiddleware(options: GraphQLDoorOptions): Promise<Router> {
  const { services, auth, budget, config, publicUrl, logger } = options;
  const limits = config.graphql;
  // "Did you mean …?" hints leak the schema name by name when introspection is off.
  const hideSuggestions = !limits.introspection;
  // Depth, cost, aliases, directives and fragments: our own rule (limits/),
  // which measures each fragment once (linear time) and refuses before
  // graphql-js's other rules do their work (some are quadratic in fragment
  // chains). Tokens: graphql-js's parser limit (below), which answers 400.
  // Depth counts records: the list policy's include depth (relationships
  // followed from the top records) plus the top level. GRAPHQL_MAX_DEPTH may
  // only lower it, so that both doors refuse the same includes.
  const maxDepth = Math.min(limits.maxDepth, MAX_INCLUDE_DEPTH + 1);
  const operationLimitsCheck = operationLimits<GraphQLContext>(
    { maxDepth, maxCost: limits.maxCost, maxAliases: limits.maxAliases, maxDirectives, maxFragments },
    { spend: async (context, cost) => context.spendCost?.(cost) },
  );

  const server = new ApolloServer<GraphQLContext>({
    schema: await graphqlSchema(),
    introspection: limits.introspection,
    csrfPrevention: true,
    parseOptions: { maxTokens: maxTokens },
    allowBatchedHttpRequests: false,
    // The server drains and stops on SIGTERM itself (src/server.ts): Apollo's own handler would stop
    // GraphQL at once and then re-send the signal, killing the process before in-flight requests finish.
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo's default indents every answer, which costs time and bytes on every response.
    stringifyResult: (value) => JSON.stringify(value),
    includeStacktraceInErrorResponses: false,
    validationRules: [operationLimitsCheck.rule],
    validationOptions: { hideSuggestions },
    plugins: [
      operationLimitsCheck.plugin,
      writeAuthorizationPlugin(),
      atomicPlugin(options.atomic),
      // Operation metrics, refusals by limit, slow resolvers' spans (src/observability/graphql.ts).
      observabilityPlugin({ resolverSpanMinMs: config.observability.resolverSpanMinMs }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin, on by default, hooks every field of every answer; nothing here sets cache hints.
      ApolloServerPluginCacheControlDisabled(),
    ],
    formatError: formatError(logger, { hideSuggestions }),
  });
  await server.start();

  const router = express.Router();
  router.get('/assets/:file', assetRoute);
  const page = playgroundPage({ publicUrl, issuer: options.issuer, clientId: 'playground', scope: `openid ${ALL_OPERATIONS_SCOPE}` });
  const playground: RequestHandler = (req, res, next) => {
    // A browser asking for a page, not a client sending a GET query.
    if (req.query.query !== undefined || req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
    res.type('html').send(page);
  };
  router.get('/', playground);
  const refuse = (error: unknown, res: express.Response, next: express.NextFunction) => {
    const answer = authErrorResponse(error);
    if (!answer || !isAuthError(error)) return next(error);
    // RFC 6750 §3: a bad token is an HTTP 401 with its challenge, whatever the door.
    sendError(res, answer.status, answer.detail, authCode(error), answer.headers);
  };
  // The caller comes from the headers (and query) alone, before the body is
  // read: a present but bad token is refused at once, not after a slow upload.
  // A request without a token goes on as anonymous; the policy decides per field.
  const caller: RequestHandler = async (req, res, next) => {
    try {
      res.locals.auth = await auth.build({ headers: req.headers, rawHeaders: req.rawHeaders, query: req.query, method: req.method, ip: req.ip, res, id: req.id });
      next();
    } catch (error) {
      refuse(error, res, next);
    }
  };
  router.use(caller);
  router.use(express.json({ limit: maxBodySize, type: ['application/json', 'application/graphql-response+json'] }));
  // RFC 6750 §2.2: an access_token in the body is refused too, once there is a body to look in.
  router.use((req, res, next) => {
    try {
      extractBearerToken({ headers: req.headers, rawHeaders: req.rawHeaders, body: req.body }, config.oauth.realm);
      next();
    } catch (error) {
      refuse(error, res, next);
    }
  });
  router.use((req, _res, next) => {
    // The Express integration wants a body even for GET; Apollo ignores it there.
    if (req.body === undefined) req.body = {};
    next();
  });
  router.use(
    expressMiddleware(server, {
      // eslint-disable-next-line @typescript-eslint/require-await -- expressMiddleware's context function returns a Promise
      context: async ({ req, res }) => {
        const caller = res.locals.auth as RequestContext;
        const spendCost = budget?.costEnabled ? (cost: number) => chargeCost(budget, budgetKey(caller.principal, req.ip), cost, res) : undefined;
        return graphqlContext(caller, services, spendCost);
      },
    }),
  );
  const errors: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const raw = (error as { status?: unknown } | null | undefined)?.status;
    const status = typeof raw === 'number' && raw >= 400 && raw < 500 ? raw : 500;
    if (status === 500) {
      logger?.error({ err: error }, 'graphql door failure');
      sendError(res, 500, 'Internal server error.', GRAPHQL_CODES.internal);
      return;
    }
    // body-parser: malformed JSON (400), too large (413), unsupported charset (415).
    const body = bodyReadError(error, maxBodySize);
    sendError(res, body?.status ?? status, body?.detail ?? 'The request body cannot be read.', GRAPHQL_CODES.badRequest);
  };
  router.use(errors);
  return router;
}
