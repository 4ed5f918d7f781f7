// RFC 7662 token introspection for opaque (non-JWT) tokens. Active answers are
// cached until the earlier of their `exp` and a short TTL. Inactive answers, and
// active ones this API refuses, are remembered for a few seconds (a client
// retrying with a dead token is not an introspection call each time); a failed
// call is never remembered, and grants nothing (503).
import type { Logger } from 'pino';
import type { TrustedIssuer } from './types.js';
import { TokenCache } from './token-cache.js';
import { TokenRejected, UpstreamUnavailable } from './problems.js';

export interface IntrospectionOptions {
  timeoutMs: number;
  cacheS: number;
  /** How long an inactive or refused answer is remembered; 0: not at all. */
  negativeCacheS: number;
  /** Refuse answers without `aud` (unless the issuer says otherwise). */
  requireAudience: boolean;
  clockToleranceS: number;
  logger: Logger;
}

/** Bounds the memory a flood of unknown tokens can take: the oldest are forgotten first. */
const MAX_REMEMBERED_REFUSALS = 10_000;

export type IntrospectionClaims = Readonly<Record<string, unknown>>;

// RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
function basicCredentials(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

function audienceIncludes(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

/** null: not active; a string: active, but refused for this reason. */
type Refusal = string | null;

export class Introspector {
  private readonly cache = new TokenCache<IntrospectionClaims>();
  private readonly refusals = new TokenCache<Refusal>(MAX_REMEMBERED_REFUSALS);
  private readonly inFlight = new Map<string, Promise<IntrospectionClaims | null>>();
  private readonly authorization: string;
  readonly url: string;

  constructor(
    readonly issuer: TrustedIssuer & { introspectionUrl: string; clientId: string; clientSecret: string },
    private readonly options: IntrospectionOptions,
  ) {
    this.url = issuer.introspectionUrl;
    this.authorization = basicCredentials(issuer.clientId, issuer.clientSecret);
  }

  /**
   * The active answer's claims, or null when the token is not active. Throws
   * TokenRejected when it is active but not acceptable here (its issuer knows
   * it, so no other issuer needs asking), UpstreamUnavailable when the call fails.
   */
  async introspect(token: string, key: string): Promise<IntrospectionClaims | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const refused = this.refusals.get(key);
    if (refused !== undefined) return this.refuse(refused);
    // Concurrent requests with the same token share one call.
    let call = this.inFlight.get(key);
    if (!call) {
      call = this.ask(token, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, call);
    }
    return call;
  }

  clear(): void {
    this.cache.clear();
    this.refusals.clear();
  }

  private refuse(refusal: Refusal): null {
    if (refusal === null) return null;
    throw new TokenRejected(refusal);
  }

  private remember(key: string, refusal: Refusal): null {
    if (this.options.negativeCacheS > 0) {
      const now = Date.now();
      this.refusals.set(key, refusal, now + this.options.negativeCacheS * 1000, now);
    }
    return this.refuse(refusal);
  }

  private async ask(token: string, key: string): Promise<IntrospectionClaims | null> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new UpstreamUnavailable(`introspection at ${this.url} failed: ${reason}`, { cause: error });
    }
    let answer: unknown;
    try {
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      answer = await response.json();
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      const reason = (error as Error).name === 'TimeoutError' ? 'answer timed out' : (error as Error).message;
      if (response.status === 401 || response.status === 403) {
        this.options.logger.error({ issuer: this.issuer.issuer, status: response.status }, 'the introspection endpoint refused our client credentials');
      }
      throw new UpstreamUnavailable(`introspection at ${this.url} failed: ${reason}`, { cause: error });
    }
    if (typeof answer !== 'object' || answer === null || typeof (answer as { active?: unknown }).active !== 'boolean') {
      throw new UpstreamUnavailable(`introspection at ${this.url} answered without a boolean "active"`);
    }
    const claims = answer as Record<string, unknown>;
    // Active, but naming another issuer: not this issuer's token to vouch for (another trusted one may be asked next).
    if (claims.active !== true || (claims.iss !== undefined && claims.iss !== this.issuer.issuer)) return this.remember(key, null);
    const refusal = this.refusal(claims);
    if (refusal) return this.remember(key, refusal);
    if (this.options.cacheS > 0) {
      const now = Date.now();
      const ttlEnd = now + this.options.cacheS * 1000;
      const expEnd = typeof claims.exp === 'number' ? claims.exp * 1000 : ttlEnd;
      this.cache.set(key, claims, Math.min(ttlEnd, expEnd), now);
    }
    return claims;
  }

  /**
   * RFC 7662 §4: the resource server decides what an active answer is good for.
   * Refused here, with the reason: expired, future or not-yet-valid tokens,
   * another API's (an audience is optional in the answer, §2.2, but when
   * stated must include ours; it can be required), and tokens that are not
   * access tokens (e.g. refresh tokens).
   */
  private refusal(claims: Record<string, unknown>): string | undefined {
    const now = Date.now() / 1000;
    const tolerance = this.options.clockToleranceS;
    if (typeof claims.exp === 'number' && claims.exp + tolerance <= now) return 'The access token has expired.';
    if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now) return 'The access token is not valid yet.';
    if (typeof claims.iat === 'number' && claims.iat - tolerance > now) return "The access token's issue time (iat) is in the future.";
    if (claims.aud === undefined) {
      if (this.issuer.requireAudience ?? this.options.requireAudience) return 'The access token is not for this API: the introspection answer names no audience.';
    } else if (!audienceIncludes(claims.aud, this.issuer.audience)) {
      return 'The access token is not for this API (audience).';
    }
    if (typeof claims.token_type === 'string' && !['bearer', 'access_token'].includes(claims.token_type.toLowerCase())) {
      return 'The token is not an access token for this API (token_type).';
    }
    return undefined;
  }
}
