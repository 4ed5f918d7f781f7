// The one context builder: every request, whichever door it comes through,
// gets its caller's identity here (bearer token → Principal) and its answer to
// "may this caller read/create/update/delete?" from the same policy.
import type { IncomingHttpHeaders } from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../http/logger.js';
import type { Operation, Principal, RequestContext, TrustedIssuer } from './types.js';
import { extractBearerToken } from './bearer.js';
import { AuthUnavailableError, ForbiddenClaimError, InsufficientScopeError, InvalidTokenError, UnauthenticatedError } from './errors.js';
import { verifyJwt } from './jwt.js';
import { DEFAULT_JWKS_COOLDOWN_MS, issuerKeys, type IssuerKeys } from './issuer-keys.js';
import { actorName } from './actor.js';
import { Introspector } from './introspection.js';
import { DEFAULT_POLICY, loadPolicyFile, PolicyFileError, type Policy } from './policy.js';
import { principalFromClaims } from './principal.js';
import { accessRulesFor } from './rules.js';
import { TokenRejected, UpstreamUnavailable } from './problems.js';
import { TokenCache, tokenKey } from './token-cache.js';
import { issuerLabel, trustedIssuers } from './issuers.js';
import { countToken } from '../observability/metrics.js';
import type { AuditTrail } from '../resources/audit.js';

/** Longer tokens are refused before any parsing or network call. */
export const MAX_TOKEN_LENGTH = 8 * 1024;

export interface ContextBuilderOptions {
  config: Config;
  logger: Logger;
  /** Issuers trusted besides the configured ones (the built-in authorization server). */
  extraIssuers?: TrustedIssuer[];
  /** Minimum time between JWKS refetches on an unknown `kid`; default 30 s (tests use less). */
  jwksCooldownMs?: number;
  /** Age after which a JWKS is fetched again (in the background); default 10 min (tests use less). */
  jwksMaxAgeMs?: number;
  /**
   * How long a verified JWT's principal is reused for the same token (bounded by
   * its `exp`); 0 turns it off. It only skips repeating a signature check whose
   * answer cannot change, except by a key being withdrawn from the JWKS, which
   * jose's own JWKS cache (10 min) already lets through for longer. Default 60 s.
   */
  verifiedTokenCacheS?: number;
  /** Where every write of a request built here records its audit event (src/resources/audit.ts). */
  audit?: AuditTrail;
}

export interface BuildableRequest {
  headers: IncomingHttpHeaders;
  rawHeaders?: string[];
  query?: unknown;
  body?: unknown;
  method?: string;
  /** The request's id (pino-http's), for the audit events of its writes. */
  id?: unknown;
  /** The caller's address and the response: for wrappers such as the API budget (src/http/budget.ts), unused here. */
  ip?: string;
  res?: Pick<import('node:http').ServerResponse, 'setHeader' | 'getHeader' | 'headersSent'>;
}

export interface ContextBuilder {
  /** Throws InvalidRequestError, InvalidTokenError or AuthUnavailableError; no token → anonymous context. */
  build(req: BuildableRequest): Promise<RequestContext>;
  /** Fetches every trusted issuer's keys now (once the server answers), so no request waits for them. */
  warm(): Promise<void>;
  close?(): void;
}

interface Verified {
  principal: Principal;
  policy: Policy;
  /** Tags the actor name when several issuers are trusted. */
  label?: string;
}

interface IssuerRuntime {
  issuer: TrustedIssuer;
  keys: IssuerKeys;
  policy: Policy;
  label?: string;
}

function looksLikeJws(token: string): { iss: unknown } | undefined {
  // JWS compact serialization (RFC 7515 §7.1): three base64url parts. A token
  // whose parts do not decode to JSON is treated as opaque.
  if (token.split('.').length !== 3) return undefined;
  try {
    decodeProtectedHeader(token);
    return { iss: decodeJwt(token).iss };
  } catch {
    return undefined;
  }
}

export function contextFor(principal: Principal | null, policy: Policy, realm: string, issuerLabel?: string): RequestContext {
  /** The policy's refusal of an operation, or undefined when it is allowed. */
  const refusalOf = (operation: Operation): Error | undefined => {
    if (!principal) {
      // RFC 6750 §3.1: a request without credentials gets a bare challenge.
      // Only an operation the policy opens to everyone (an empty scope set) passes.
      const rules = policy.rules;
      const open = rules.operations[operation].some((s) => s.length === 0) && !rules.alsoRequired.user && !rules.alsoRequired.client && !rules.groups;
      return open ? undefined : new UnauthenticatedError(realm);
    }
    const decision = policy.decide(principal, operation);
    if (decision.allowed) return undefined;
    if (decision.reason === 'scope') return new InsufficientScopeError(decision.scope, operation, realm);
    return new ForbiddenClaimError(decision.detail);
  };
  const context: RequestContext = {
    principal,
    actorName: actorName(principal, issuerLabel),
    // Row and field rules, only when the policy has them (else every row, as before).
    ...(policy.access ? { rules: accessRulesFor(policy.access, principal) } : {}),
    // One decision, whichever way it is asked.
    can: (operation: Operation) => !refusalOf(operation),
    authorize(operation: Operation) {
      const refusal = refusalOf(operation);
      if (!refusal) return;
      // Counted here, not in can(): a question is not a refusal.
      if (principal) countToken(principal.issuer, refusal instanceof InsufficientScopeError ? 'insufficient_scope' : 'forbidden_claim');
      throw refusal;
    },
  };
  return context;
}

// eslint-disable-next-line @typescript-eslint/require-await -- a bad setting is a rejection, as the callers (which await it) expect
export async function createContextBuilder(options: ContextBuilderOptions): Promise<ContextBuilder> {
  const { config, logger } = options;
  const { realm, clockToleranceS, introspectionTimeoutMs, introspectionCacheS } = config.oauth;
  const log = logger.child({ component: 'auth' });

  // Everything that can be wrong with the settings is found now, not at the first request.
  const policies = new Map<string, Policy>();
  const policyAt = (file: string, setting: string): Policy => {
    let policy = policies.get(file);
    if (!policy) {
      try {
        policy = loadPolicyFile(file, setting);
      } catch (error) {
        if (error instanceof PolicyFileError) throw new ConfigError(error.problems.map((p) => `${error.file}: ${p}`));
        throw error;
      }
      policies.set(file, policy);
    }
    return policy;
  };
  const serverPolicy = config.oauth.policyFile ? policyAt(config.oauth.policyFile, 'OAUTH_POLICY_FILE') : DEFAULT_POLICY;
  const issuers = trustedIssuers(config.oauth, options.extraIssuers ?? []);
  const jwksOptions = { timeoutMs: introspectionTimeoutMs, cooldownMs: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS, maxAgeMs: options.jwksMaxAgeMs, logger: log };
  const byIssuer = new Map<string, IssuerRuntime>(
    issuers.map((issuer) => [
      issuer.issuer,
      {
        issuer,
        keys: issuerKeys(issuer, jwksOptions),
        policy: issuer.policyFile ? policyAt(issuer.policyFile, `policyFile of ${issuer.issuer}`) : serverPolicy,
        // One issuer: names as they come. Several: the same name could be two people.
        label: issuers.length > 1 ? issuerLabel(issuer) : undefined,
      },
    ]),
  );
  const introspectors = issuers
    .filter((i): i is TrustedIssuer & { introspectionUrl: string; clientId: string; clientSecret: string } => !!(i.introspectionUrl && i.clientId && i.clientSecret))
    .map((i) => ({
      introspector: new Introspector(i, {
        timeoutMs: introspectionTimeoutMs,
        cacheS: introspectionCacheS,
        negativeCacheS: config.oauth.introspectionNegativeCacheS,
        requireAudience: config.oauth.introspectionRequireAudience,
        clockToleranceS,
        logger: log,
      }),
      policy: byIssuer.get(i.issuer)!.policy,
      label: byIssuer.get(i.issuer)!.label,
    }));
  const verifiedCacheS = options.verifiedTokenCacheS ?? 60;
  const verifiedJwts = new TokenCache<Verified>();

  if (!issuers.length) log.warn('no trusted token issuer is configured: every bearer token will be refused');
  else log.info({ issuers: issuers.map((i) => i.issuer), introspection: introspectors.map((i) => i.introspector.url) }, 'trusted token issuers');

  /** A trusted issuer's URL (a bounded set), as the metrics label a refused token; else "untrusted" or "opaque". */
  function metricIssuer(token: string): string {
    const jws = token.length <= MAX_TOKEN_LENGTH ? looksLikeJws(token) : undefined;
    if (!jws) return introspectors.length ? 'opaque' : 'untrusted';
    return typeof jws.iss === 'string' && byIssuer.has(jws.iss) ? jws.iss : 'untrusted';
  }

  /** The request's id and the audit trail, for the services' audit events of its writes. */
  function withRequest(context: RequestContext, req: BuildableRequest): RequestContext {
    if (!options.audit) return context;
    const id = req.id;
    return Object.assign(context, { auditTrail: options.audit, requestId: typeof id === 'string' || typeof id === 'number' ? String(id) : undefined });
  }

  async function verifyJwtToken(token: string, key: string, iss: unknown): Promise<Verified> {
    // `iss` is read unverified only to pick the keys; the signature check below
    // then binds it (jose checks it equals the chosen issuer).
    const runtime = typeof iss === 'string' ? byIssuer.get(iss) : undefined;
    if (!runtime) throw new TokenRejected('The access token comes from an untrusted issuer.', 'untrusted_issuer');
    const { payload } = await verifyJwt(token, runtime.issuer, runtime.keys, clockToleranceS);
    const verified = { principal: principalFromClaims(payload, runtime.issuer.issuer), policy: runtime.policy, label: runtime.label };
    if (verifiedCacheS > 0) {
      const now = Date.now();
      verifiedJwts.set(key, verified, Math.min(now + verifiedCacheS * 1000, payload.exp! * 1000), now);
    }
    return verified;
  }

  async function introspectToken(token: string, key: string): Promise<Verified> {
    if (!introspectors.length) {
      // Not a JWT, and no introspection to ask: typically a token for another
      // resource (e.g. an opaque userinfo token), unless it merely looks like a broken JWS.
      throw new TokenRejected(
        token.split('.').length === 3 ? 'The access token is malformed.' : 'The access token is not for this API: only JWT access tokens from a trusted issuer are accepted here.',
      );
    }
    let failure: UpstreamUnavailable | undefined;
    // One after the other, so a token is only shown to the next issuer when the previous one does not know it.
    for (const { introspector, policy, label } of introspectors) {
      try {
        const claims = await introspector.introspect(token, key);
        if (claims) return { principal: principalFromClaims(claims, introspector.issuer.issuer), policy, label };
      } catch (error) {
        if (!(error instanceof UpstreamUnavailable)) throw error;
        failure = error;
      }
    }
    if (failure) throw failure;
    throw new TokenRejected('The access token is not active.', 'inactive');
  }

  async function verify(token: string): Promise<Verified> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenRejected('The access token is too long.', 'malformed');
    const key = tokenKey(token);
    // The warm path: a JWT already verified, looked up before any decoding.
    const cached = verifiedJwts.get(key);
    if (cached) return cached;
    const jws = looksLikeJws(token);
    return jws ? verifyJwtToken(token, key, jws.iss) : introspectToken(token, key);
  }

  return {
    async build(req) {
      const token = extractBearerToken(req, realm);
      if (token === undefined) return withRequest(contextFor(null, serverPolicy, realm), req);
      try {
        const { principal, policy, label } = await verify(token);
        countToken(principal.issuer, 'accepted');
        return withRequest(contextFor(principal, policy, realm, label), req);
      } catch (error) {
        countToken(metricIssuer(token), error instanceof TokenRejected ? error.reason : error instanceof UpstreamUnavailable ? 'introspection_down' : 'invalid');
        if (error instanceof TokenRejected) {
          log.debug({ reason: error.description }, 'bearer token refused');
          throw new InvalidTokenError(error.description, realm);
        }
        if (error instanceof UpstreamUnavailable) {
          log.warn({ reason: error.message }, 'authorization server unavailable');
          throw new AuthUnavailableError('The authorization server cannot be reached to check the access token; try again shortly.');
        }
        // Should not happen; if it does, refuse the token rather than answer 500.
        log.error({ err: error }, 'unexpected error while checking a bearer token');
        throw new InvalidTokenError('The access token cannot be verified.', realm);
      }
    },
    async warm() {
      // Best effort: a trusted issuer that is down now is retried at the first token.
      await Promise.all(
        [...byIssuer.values()].map((runtime) =>
          runtime.keys.warm().catch((error: unknown) => log.warn({ issuer: runtime.issuer.issuer, reason: (error as Error).message }, 'could not fetch the issuer keys ahead of the first token')),
        ),
      );
    },
    close() {
      verifiedJwts.clear();
      for (const { introspector } of introspectors) introspector.clear();
    },
  };
}
