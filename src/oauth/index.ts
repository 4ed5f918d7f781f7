// The built-in OAuth 2.0 / OpenID Connect authorization server, for local use,
// demos and tests. The API does not trust it in any special way: it hands back
// a TrustedIssuer, and the context builder verifies its JWTs over HTTP (JWKS)
// exactly like those of any outside authorization server.
import express, { type RequestHandler, type Router } from 'express';
import Provider from 'oidc-provider';
import type { JSONWebKeySet } from 'jose';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { TrustedIssuer } from '../auth/types.js';
import type { Logger } from '../http/logger.js';
import { openLimiterStore } from '../throttle/limiters.js';
import { UserDirectory, loadUsers } from './accounts.js';
import { loadClients } from './clients.js';
import { interactionRoutes } from './interactions.js';
import { completeDiscovery } from './discovery.js';
import { alignErrorCodes } from './error-codes.js';
import { jwtIntrospection } from './introspection.js';
import { DatabaseStore } from './adapter.js';
import { KeyStore, activationDelayFor, type KeySet } from './key-store.js';
import { redirectUriOrigins } from './client-origins.js';
import { createProvider, userClaims } from './provider.js';
import { authorizationRequestLimits } from './request-limits.js';
import { DEFAULT_CLIENT_SECRET, assertProductionSecrets, cookieKeysFromSecret } from './secrets.js';
import { FailureThrottle, throttleClientAuthentication } from './throttle.js';
import { jwtUserinfo } from './userinfo.js';

export { DEFAULT_USERS } from './accounts.js';
export { DEMO_CLIENT_ID, PLAYGROUND_CLIENT_ID } from './clients.js';
export { DEFAULT_CLIENT_SECRET, InsecureSetupError } from './secrets.js';
export { GROUP_CLAIM, GROUP_SCOPE } from './scopes.js';

export interface AuthorizationServerDeps {
  config: Config;
  logger: Logger;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
  /** Its sessions, grants, interactions, tokens and keys are kept here (always the primary). */
  db: Database;
}

export interface AuthorizationServer {
  /** Mount at /oauth: `app.use('/oauth', server.router)`. */
  router: Router;
  /** For the context builder's extraIssuers. */
  trustedIssuer: TrustedIssuer;
  close(): Promise<void>;
}

export class AuthorizationServerSetupError extends Error {
  readonly code = 'ERR_OAUTH_SETUP';
}

/** null when DEV_AUTH_SERVER is off (the default in production). */
export async function createAuthorizationServer({ config, logger, publicUrl, db }: AuthorizationServerDeps): Promise<AuthorizationServer | null> {
  const settings = config.devAuthServer;
  if (!settings.enabled) return null;

  const issuer = `${publicUrl}/oauth`;
  const interactionsPath = `${new URL(issuer).pathname}/interaction`; // as the browser sees it, behind any PUBLIC_URL path
  const audience = config.oauth.audience ?? publicUrl;
  // RFC 8707 §2: a resource indicator is an absolute URI.
  if (!URL.parse(audience)) throw new AuthorizationServerSetupError(`OAUTH_AUDIENCE must be an absolute URI for the built-in authorization server, got "${audience}"`);

  const clients = loadClients(settings.clientsFile, publicUrl, settings.clientSecret ?? DEFAULT_CLIENT_SECRET);
  const userList = loadUsers(settings.usersFile);
  const users = new UserDirectory(userList);
  assertProductionSecrets({ production: config.production, cookieSecret: settings.cookieSecret, keysSecret: settings.keysSecret, usersFile: settings.usersFile, users: userList, clients });

  // Failure counters for secrets and passwords: in memory, or in Redis (REDIS_URL) shared by every instance.
  const limiterStore = await openLimiterStore(config, logger);
  const closers: (() => void)[] = [];
  try {
    const dataDir = config.database.dataDir;
    const requests = settings.requests;
    // State and keys in the database, shared by every instance (./adapter.ts, ./key-store.ts).
    const store = new DatabaseStore(db.prisma, {
      limits: { maxPendingPerAddress: requests.maxInteractionsPerAddress, maxPending: requests.maxInteractions },
      // The address oidc-provider sees (TRUST_PROXY decides, as for the throttles).
      currentAddress: () => Provider.ctx?.ip,
    });
    closers.push(() => store.close());
    const keyStore = new KeyStore(db.prisma, { secret: settings.keysSecret, activationDelayMs: activationDelayFor(settings.keysRefreshS) });
    const imported = [...(await keyStore.importFiles(dataDir))];
    const importedEntries = await store.importFile(dataDir);
    if (imported.length || importedEntries) logger.info({ files: imported, entries: importedEntries }, 'imported the built-in authorization server\'s files into the database');

    const signInThrottle = new FailureThrottle(limiterStore, 'user', settings.throttle, logger);
    const clientThrottle = new FailureThrottle(limiterStore, 'client', settings.throttle, logger);
    /** oidc-provider and everything holding it, for one key set; rebuilt when the stored keys change. */
    const assemble = async (keys: KeySet): Promise<RequestHandler> => {
      const provider = createProvider({
        issuer,
        audience,
        accessTokenTtlS: settings.accessTokenTtlS,
        interactionTtlS: requests.interactionTtlS,
        clients,
        users,
        signingKeys: keys.signing,
        cookieKeys: settings.cookieSecret ? cookieKeysFromSecret(settings.cookieSecret) : keys.cookie,
        adapter: store.adapterFactory(),
        interactionsPath,
        trustProxy: config.trustProxy,
        logger,
      });
      const jwks = publicKeys(keys.signing);
      provider.use(alignErrorCodes);
      provider.use(completeDiscovery);
      provider.use(jwtIntrospection(provider, jwks));
      provider.use(
        jwtUserinfo({
          provider,
          publicJwks: jwks,
          accountClaims: (id) => {
            const user = users.find(id);
            return user && userClaims(user);
          },
          clientOrigins: redirectUriOrigins(clients.flatMap((c) => c.redirect_uris ?? [])),
        }),
      );
      // Inside alignErrorCodes: a request without any client authentication is not a guess and is not counted.
      provider.use(throttleClientAuthentication(provider, clientThrottle));
      // oidc-provider checks client metadata at first use; a mistake in DEV_CLIENTS_FILE should stop the start instead.
      for (const client of clients) {
        try {
          await provider.Client.find(client.client_id);
        } catch (error) {
          const detail = (error as { error_description?: string }).error_description ?? (error as Error).message;
          throw new AuthorizationServerSetupError(`client ${client.client_id}${settings.clientsFile ? ` (DEV_CLIENTS_FILE ${settings.clientsFile})` : ''}: ${detail}`);
        }
      }
      const inner = express.Router();
      inner.use('/interaction', interactionRoutes({ provider, users, throttle: signInThrottle, logger, basePath: interactionsPath }));
      inner.use(provider.callback());
      return inner;
    };
    let keys = await keyStore.load({ cookieKeys: !settings.cookieSecret });
    let current = await assemble(keys);
    // Every instance rereads the keys: a rotation (npm run keys:rotate, on any machine) is published by all
    // within DEV_KEYS_REFRESH_S and signs once its activation time has come (./key-store.ts activationDelayFor).
    let refreshing = false;
    const refresh = setInterval(() => {
      if (refreshing) return;
      refreshing = true;
      keyStore
        .load({ cookieKeys: !settings.cookieSecret })
        .then(async (next) => {
          if (next.version === keys.version) return;
          current = await assemble(next);
          keys = next;
          logger.info({ signing: next.signing[0]?.kid, published: next.signing.map((k) => k.kid) }, 'built-in authorization server keys changed');
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not reread the built-in authorization server keys'))
        .finally(() => (refreshing = false));
    }, settings.keysRefreshS * 1000);
    refresh.unref();
    closers.push(() => clearInterval(refresh));

    const router = express.Router();
    // Before oidc-provider reads a byte of an authorization request: per-address throttle and size limit.
    // (oidc-provider serves the authorization endpoint by GET only: enableHttpPostMethods is off.)
    const limitRequests = authorizationRequestLimits({ limits: { maxRequestBytes: requests.maxBytes, requestsPerMinute: requests.perMinute }, limiterStore, logger });
    router.get('/auth', limitRequests);
    router.post('/request', limitRequests);
    router.use((req, res, next) => current(req, res, next));

    logger.info({ issuer, audience, clients: clients.map((c) => c.client_id), throttling: limiterStore.kind }, 'built-in authorization server on');
    return {
      router,
      trustedIssuer: { issuer, audience, jwksUri: `${issuer}/jwks` },
      async close() {
        for (const close of closers) close();
        await limiterStore.close();
      },
    };
  } catch (error) {
    for (const close of closers) close();
    await limiterStore.close();
    throw error;
  }
}

/** The public halves of the signing keys, as the JWKS endpoint publishes them. */
function publicKeys(keys: readonly Record<string, unknown>[]): JSONWebKeySet {
  return { keys: keys.map(({ kty, kid, n, e, alg, use }) => ({ kty, kid, n, e, alg, use }) as JSONWebKeySet['keys'][number]) };
}
