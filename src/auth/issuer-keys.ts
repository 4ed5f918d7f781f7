// The signing keys of one trusted issuer, from its JWKS (RFC 7517 §5): fetched
// once the server answers (`warm`; not while the app is assembled, since the
// built-in issuer is served by this very process) or else at the first token,
// and fetched again on an unknown `kid` (key rotation needs no restart) and
// when older than the max age (a withdrawn key stops working).
//
// jose fetches, parses and picks the key; when to fetch is decided here,
// because jose's createRemoteJWKSet counts its cooldown only from a successful
// fetch (an issuer whose JWKS endpoint fails is asked again at every token with
// an unknown kid) and refetches a JWKS past its max age before using it (so an
// outage longer than that fails every token). Here:
// - one attempt (discovery when needed, then the JWKS) per cooldown at most,
//   whether the last one succeeded or failed; concurrent tokens share it;
// - keys fetched before keep verifying while attempts fail;
// - during an outage an unknown kid is 503 (a key rotated in meanwhile cannot
//   be ruled out, and nothing is granted), not a fetch;
// - a failed warm-up is not counted: it runs once, at start-up, when the issuer
//   may be starting too (the built-in one, reached through a load balancer
//   whose other instances are not up yet), so the first token tries again.
import { createRemoteJWKSet, customFetch, errors, type FlattenedJWSInput, type JWTHeaderParameters, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import type { TrustedIssuer } from './types.js';
import { discoverJwksUri } from './discovery.js';
import { UpstreamUnavailable } from './problems.js';

/** Minimum time between two JWKS attempts unless configured: jose's default too (createRemoteJWKSet's cooldownDuration). */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

export interface JwksOptions {
  /** Timeout of metadata and JWKS requests. */
  timeoutMs: number;
  /** Minimum time between two attempts to fetch the JWKS, failed or not (jose's default is 30 s). */
  cooldownMs: number;
  /** A JWKS older than this is fetched again, in the background (jose's default is 10 min). */
  maxAgeMs?: number;
  logger?: Logger;
}

/** A key resolver that can also fetch its keys ahead of the first token. */
export type IssuerKeys = JWTVerifyGetKey & { warm(): Promise<void> };

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * fetch for jose, whose own error for an answer other than 200 does not say
 * which answer it was. The message names the URL without credentials or query.
 */
const fetchNaming = async (url: string, init: RequestInit): Promise<Response> => {
  const res = await fetch(url, init);
  if (res.status !== 200) {
    await res.body?.cancel();
    const { origin, pathname } = new URL(url);
    throw new Error(`${origin}${pathname} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }
  return res;
};

export function issuerKeys(issuer: TrustedIssuer, options: JwksOptions): IssuerKeys {
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  let uri = issuer.jwksUri;
  let set: RemoteKeySet | undefined;
  let loadedAt: number | undefined; // of the last successful fetch
  let attemptedAt = Number.NEGATIVE_INFINITY;
  let failure: UpstreamUnavailable | undefined; // of the last attempt, until one succeeds
  let attempt: Promise<void> | undefined;

  const attemptAllowed = () => attempt !== undefined || Date.now() - attemptedAt >= options.cooldownMs;

  const refresh = (): Promise<void> =>
    (attempt ??= (async () => {
      attemptedAt = Date.now();
      try {
        uri ??= await discoverJwksUri(issuer.issuer, options.timeoutMs);
        // jose never fetches by itself with these settings: every fetch is a reload() from here.
        set ??= createRemoteJWKSet(new URL(uri), { timeoutDuration: options.timeoutMs, cooldownDuration: Infinity, cacheMaxAge: Infinity, [customFetch]: fetchNaming });
        await set.reload();
        loadedAt = Date.now();
        failure = undefined;
      } catch (error) {
        failure =
          error instanceof UpstreamUnavailable
            ? error
            : new UpstreamUnavailable(`cannot fetch the JWKS of ${issuer.issuer}: ${(error as Error).message}`, { cause: error });
        if (loadedAt !== undefined) options.logger?.warn({ issuer: issuer.issuer, reason: failure.message }, 'cannot refresh the issuer keys; keeping the keys fetched before');
        throw failure;
      }
    })().finally(() => (attempt = undefined)));

  const lookup = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await set!(header, token);
    } catch (error) {
      // No key for this kid/alg, or several candidates (jwtVerify then tries
      // each), is the token's fault; anything else comes from the issuer's JWKS.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new UpstreamUnavailable(`cannot use the JWKS of ${issuer.issuer}: ${(error as Error).message}`, { cause: error });
    }
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (loadedAt === undefined) {
      // No keys yet: fetch them, unless the last attempt failed less than a cooldown ago.
      if (!attemptAllowed()) throw failure!;
      await refresh();
    } else if (Date.now() - loadedAt >= maxAgeMs && attemptAllowed()) {
      refresh().catch(() => {}); // logged above; meanwhile the keys we have keep verifying
    }
    try {
      return await lookup(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // Perhaps a key rotated in since the last fetch.
      if (attemptAllowed()) await refresh().catch(() => {});
      // The keys cannot be fetched now, so whether this key exists cannot be known.
      if (failure) throw failure;
      return lookup(header, token); // still no such key: the token's fault
    }
  };

  return Object.assign(getKey, {
    async warm() {
      try {
        await refresh();
      } catch (error) {
        attemptedAt = Number.NEGATIVE_INFINITY;
        throw error;
      }
    },
  });
}
