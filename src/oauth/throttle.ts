// Throttling of guesses at the built-in authorization server: client secrets
// (token, introspection and revocation endpoints) and passwords (sign-in page).
// Failures are counted, not attempts, as in rate-limiter-flexible's login
// protection: in a row per name (client id or user name) and address, reset by
// a success; per name from any address; per address for any name. Once one of
// them is over its limit the answer is 429 with Retry-After (RFC 6585 §4) for a
// while, whatever the secret, so a guesser learns nothing more.
import { createHash } from 'node:crypto';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../http/logger.js';
import { isRateLimited, retryAfterSeconds, type LimiterStore, type RateLimiterAbstract } from '../throttle/limiters.js';
import { countThrottleHit } from '../observability/metrics.js';

export interface ThrottleSettings {
  /** Failures in a row for one name from one address. */
  maxFailures: number;
  maxFailuresPerName: number;
  maxFailuresPerAddress: number;
  /** Seconds the failures are counted for. */
  windowS: number;
  /** Seconds a name, address or pair stays blocked once over its limit. */
  blockS: number;
}

/** The OAuth error code of a throttled answer (RFC 6749 §5.2 has none for it). */
export const THROTTLED_ERROR = 'too_many_requests';

/** A typed name can be long; the counters need only tell names apart. */
function nameKey(name: string): string {
  return name.length <= 128 ? name : `sha256:${createHash('sha256').update(name).digest('base64url')}`;
}

interface Counter {
  limiter: RateLimiterAbstract;
  max: number;
  key: (name: string, address: string) => string;
}

/** The failure counters of one kind of secret ("client" or "user"). */
export class FailureThrottle {
  private readonly counters: Counter[];

  constructor(
    store: LimiterStore,
    kind: string,
    private readonly settings: ThrottleSettings,
    private readonly logger: Logger,
  ) {
    const limiter = (what: string, max: number) =>
      // Blocks are set explicitly (see failed), so that `max` failures block rather than `max + 1`.
      store.createLimiter({ keyPrefix: `oauth:${kind}-fails-${what}`, points: max, duration: settings.windowS });
    this.counters = [
      { limiter: limiter('by-name-and-address', settings.maxFailures), max: settings.maxFailures, key: (name, address) => `${address}|${nameKey(name)}` },
      { limiter: limiter('by-name', settings.maxFailuresPerName), max: settings.maxFailuresPerName, key: (name) => nameKey(name) },
      { limiter: limiter('by-address', settings.maxFailuresPerAddress), max: settings.maxFailuresPerAddress, key: (_name, address) => address },
    ];
  }

  /** Seconds until this name may try again from this address; undefined when it may now. */
  async blockedFor(name: string, address: string): Promise<number | undefined> {
    const waits = await Promise.all(
      this.counters.map(async ({ limiter, max, key }) => {
        const res = await this.guard(() => limiter.get(key(name, address)));
        return res && res.consumedPoints >= max ? retryAfterSeconds(res) : 0;
      }),
    );
    const wait = Math.max(...waits);
    return wait > 0 ? wait : undefined;
  }

  /** Counts a failure; a counter that reaches its limit blocks its key for the block time. */
  async failed(name: string, address: string): Promise<void> {
    await Promise.all(
      this.counters.map(async ({ limiter, max, key }) => {
        const k = key(name, address);
        try {
          const res = await limiter.consume(k);
          if (res.consumedPoints >= max) await limiter.block(k, this.settings.blockS);
        } catch (error) {
          if (!isRateLimited(error)) this.report(error); // over the limit already: blocked, nothing to add
        }
      }),
    );
  }

  /** A success ends the run of failures of this name at this address (the other counters keep theirs). */
  async succeeded(name: string, address: string): Promise<void> {
    const [pair] = this.counters;
    await this.guard(() => pair!.limiter.delete(pair!.key(name, address)));
  }

  // The store failing (Redis down without its insurance) must not turn a sign-in into a 500: count nothing then.
  private async guard<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  private report(error: unknown): void {
    this.logger.warn({ err: error }, 'throttling counters unavailable');
  }
}

/** 429 from oidc-provider's endpoints, rendered like its other errors. */
export class TooManyFailures extends errors.OIDCProviderError {
  override error_description: string;
  constructor(readonly retryAfterS: number) {
    super(429, THROTTLED_ERROR);
    this.error_description = `too many failed client authentications; try again in ${retryAfterS} s`;
  }
}

/** The endpoints where a client authenticates with a secret. */
const CLIENT_AUTH_ROUTES = new Set(['token', 'introspection', 'revocation']);

/** The client id a request claims, authenticated or not: the body's, else HTTP Basic's (RFC 6749 §2.3.1). */
function claimedClientId(ctx: KoaContextWithOIDC): string | undefined {
  const known = ctx.oidc.client?.clientId ?? ctx.oidc.params?.client_id;
  if (typeof known === 'string' && known) return known;
  const [scheme, value] = (ctx.get('authorization') || '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return decoded.slice(0, colon);
  }
}

function refuse(ctx: KoaContextWithOIDC, retryAfterS: number): void {
  const error = new TooManyFailures(retryAfterS);
  countThrottleHit('oauth_client_failures');
  ctx.status = 429;
  ctx.set('Retry-After', String(retryAfterS));
  ctx.remove('WWW-Authenticate');
  ctx.body = { error: error.error, error_description: error.error_description };
}

/**
 * Throttles client authentication with a secret. Two hooks, because only
 * oidc-provider reads the request body (where the client id may be):
 * - around the secret comparison (Client#compareClientSecret): a blocked client
 *   or address is refused before its secret is looked at, and a right secret
 *   ends the run of failures;
 * - a middleware after each endpoint answers: every `invalid_client` (wrong
 *   secret, unknown client) is counted, and answered 429 instead when the name
 *   or address is already blocked (an unknown client looks like a known one).
 */
export function throttleClientAuthentication(provider: Provider, throttle: FailureThrottle) {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the client as `this`
  const compare = provider.Client.prototype.compareClientSecret;
  provider.Client.prototype.compareClientSecret = async function compareClientSecret(actual: string): Promise<boolean> {
    const ctx = Provider.ctx;
    if (!ctx) return compare.call(this, actual); // outside a request: nothing to throttle
    const wait = await throttle.blockedFor(this.clientId, ctx.ip);
    if (wait) {
      ctx.set('Retry-After', String(wait));
      throw new TooManyFailures(wait);
    }
    const matches = await compare.call(this, actual);
    if (matches) await throttle.succeeded(this.clientId, ctx.ip);
    return matches;
  };

  return async function countClientAuthFailures(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
    await next();
    if (!CLIENT_AUTH_ROUTES.has(ctx.oidc?.route ?? '') || ctx.status !== 401) return;
    if ((ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_client') return;
    const name = claimedClientId(ctx) ?? '';
    const wait = await throttle.blockedFor(name, ctx.ip);
    if (wait) refuse(ctx, wait);
    else await throttle.failed(name, ctx.ip);
  };
}
