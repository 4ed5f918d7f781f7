// Bounds on what an anonymous authorization request may cost. Anyone can
// start one (GET /oauth/auth, or POST one to /oauth/request first, RFC 9126)
// and each is kept until it is finished or expires (src/oauth/store.ts), with
// its parameters. So, before oidc-provider reads a byte:
// - each address may make so many of them per minute (429 with Retry-After,
//   RFC 6585 §4), counted in the shared limiter store (memory or Redis);
// - the query string and body together may be so large (400 invalid_request);
// and once the parameters are read, `state` and `nonce` may be so long
// (oidc-provider's extraParams validators: see stateAndNonceLimits).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../http/logger.js';
import { isRateLimited, retryAfterSeconds, type LimiterStore } from '../throttle/limiters.js';
import { countThrottleHit } from '../observability/metrics.js';
import { errorPage } from './pages.js';
import { THROTTLED_ERROR } from './throttle.js';

export interface AuthorizationRequestLimits {
  /** Largest query string plus body, in bytes. */
  maxRequestBytes: number;
  /** Authorization requests (and pushed ones) per address per minute; 0: not counted. */
  requestsPerMinute: number;
}

/**
 * The longest `state` and `nonce` accepted. Neither has a maximum in RFC 6749
 * §4.1.1 or OpenID Connect Core §3.1.2.1; both are opaque values a client
 * echoes, a few dozen characters in practice, and both are kept with the request.
 */
export const MAX_STATE_LENGTH = 1024;

/** For oidc-provider's `extraParams`: its validators run on every authorization and pushed request. */
export function stateAndNonceLimits(): Record<'state' | 'nonce', (ctx: KoaContextWithOIDC, value: string | undefined) => void> {
  const check = (name: string) => (_ctx: KoaContextWithOIDC, value: string | undefined) => {
    if (typeof value === 'string' && value.length > MAX_STATE_LENGTH) {
      throw new errors.InvalidRequest(`${name} must be at most ${MAX_STATE_LENGTH} characters, got ${value.length}`);
    }
  };
  return { state: check('state'), nonce: check('nonce') };
}

interface Deps {
  limits: AuthorizationRequestLimits;
  limiterStore: LimiterStore;
  logger: Logger;
}

/**
 * Express middleware for GET /auth and POST /request under the authorization
 * server's mount point, in front of oidc-provider's handler.
 */
export function authorizationRequestLimits({ limits, limiterStore, logger }: Deps): RequestHandler {
  const perAddress =
    limits.requestsPerMinute > 0 ? limiterStore.createLimiter({ keyPrefix: 'oauth:authorization-requests-by-address', points: limits.requestsPerMinute, duration: 60 }) : undefined;

  return async function limitAuthorizationRequests(req: Request, res: Response, next: NextFunction): Promise<void> {
    // The pushed-request endpoint answers JSON (RFC 9126 §2.3); the authorization endpoint, a browser, a page.
    const refuse = req.path.startsWith('/request') ? refuseJson : refusePage;

    if (perAddress) {
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      try {
        await perAddress.consume(address);
      } catch (error) {
        if (isRateLimited(error)) {
          const wait = retryAfterSeconds(error);
          countThrottleHit('oauth_authorization_requests');
          res.set('Retry-After', String(wait));
          refuse(res, 429, THROTTLED_ERROR, `too many authorization requests from this address; try again in ${wait} s`);
          return;
        }
        // The store failing (Redis down without its insurance) must not stop sign-ins: count nothing then.
        logger.warn({ err: error }, 'throttling counters unavailable');
      }
    }

    const queryBytes = Buffer.byteLength(req.originalUrl.slice(req.originalUrl.indexOf('?') + 1 || req.originalUrl.length));
    const declared = req.headers['content-length'];
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      // A chunked body's size is known only once read; oidc-provider would read up to 56 kB of it.
      refuse(res, 411, 'invalid_request', 'send the authorization request with a Content-Length header');
      return;
    }
    const bytes = queryBytes + (declared === undefined ? 0 : Number(declared) || 0);
    if (bytes > limits.maxRequestBytes) {
      refuse(res, 400, 'invalid_request', `the authorization request is ${bytes} bytes (query string and body); this server accepts at most ${limits.maxRequestBytes}`);
      return;
    }
    next();
  };
}

function refusePage(res: Response, status: number, error: string, description: string): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(errorPage('This sign-in request cannot continue', { error, description }));
}

function refuseJson(res: Response, status: number, error: string, description: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error, error_description: description });
}
