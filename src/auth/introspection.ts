// RFC 7662 token introspection for opaque (non-JWT) tokens. Active answers are
// cached until the earlier of their `exp` and a short TTL; an inactive or failed
// answer is never cached as active, and a failure grants nothing (503).
import type { Logger } from 'pino';
import type { TrustedIssuer } from './types.js';
import { TokenCache } from './token-cache.js';
import { UpstreamUnavailable } from './problems.js';

export interface IntrospectionOptions {
  timeoutMs: number;
  cacheS: number;
  clockToleranceS: number;
  logger: Logger;
}

export type IntrospectionClaims = Readonly<Record<string, unknown>>;

// RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding.
function basicCredentials(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

function audienceIncludes(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}

export class Introspector {
  private readonly cache = new TokenCache<IntrospectionClaims>();
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

  /** The active answer's claims, or null when the token is not active (for this API). */
  async introspect(token: string, key: string): Promise<IntrospectionClaims | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
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
    if (claims.active !== true || !this.acceptable(claims)) return null;
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
   * Refused here: expired or future tokens, another issuer's, another API's,
   * and tokens that are not access tokens (e.g. refresh tokens).
   */
  private acceptable(claims: Record<string, unknown>): boolean {
    const now = Date.now() / 1000;
    const tolerance = this.options.clockToleranceS;
    if (typeof claims.exp === 'number' && claims.exp + tolerance <= now) return false;
    if (typeof claims.nbf === 'number' && claims.nbf - tolerance > now) return false;
    if (claims.iss !== undefined && claims.iss !== this.issuer.issuer) return false;
    if (claims.aud !== undefined && !audienceIncludes(claims.aud, this.issuer.audience)) return false;
    if (typeof claims.token_type === 'string' && !['bearer', 'access_token'].includes(claims.token_type.toLowerCase())) return false;
    return true;
  }
}
