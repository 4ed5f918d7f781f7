// The oidc-provider instance: which flows, scopes, claims, token formats and
// lifetimes the built-in authorization server has. Everything specific to this
// project is decided here; the other modules supply users, clients, keys,
// storage and pages.
import Provider, { errors, type Adapter, type ClientMetadata, type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../http/logger.js';
import { countGrant } from '../observability/metrics.js';
import type { User, UserDirectory } from './accounts.js';
import { GRANT_ID_CLAIM } from './introspection.js';
import { errorPage, signOutPage, signedOutPage } from './pages.js';
import { API_SCOPES, GROUP_CLAIM, GROUP_SCOPE, OIDC_SCOPES, OIDC_SCOPE_CLAIMS, isKnownScope, splitScope } from './scopes.js';
import { SIGNING_ALG } from './keys.js';
import { userinfoAudience } from './userinfo.js';
import { isRedirectUriOrigin } from './client-origins.js';
import { stateAndNonceLimits } from './request-limits.js';

export interface ProviderOptions {
  issuer: string;
  /** The API's identifier: the resource indicator and `aud` of every access token. */
  audience: string;
  accessTokenTtlS: number;
  /** How long a started sign-in may take: its interaction is kept in memory meanwhile. */
  interactionTtlS: number;
  clients: ClientMetadata[];
  users: UserDirectory;
  /** Private signing keys, the first one signs. */
  signingKeys: JWK[];
  cookieKeys: string[];
  adapter: (model: string) => Adapter;
  /** Path of the interaction pages, e.g. /oauth/interaction. */
  interactionsPath: string;
  trustProxy: boolean;
  logger: Logger;
}

const DAY_S = 24 * 60 * 60;
const apiScopes = new Set<string>(API_SCOPES);

/**
 * Unknown scopes are refused with `invalid_scope` (RFC 6749 §4.1.2.1, §5.2) in
 * every flow, rather than dropped as RFC 6749 §3.3 would also allow: on a local
 * server a silently dropped scope is a typo that surfaces later as a puzzling 403.
 */
function rejectUnknownScopes(ctx: KoaContextWithOIDC): void {
  const unknown = splitScope(ctx.oidc.params?.scope).filter((s) => !isKnownScope(s));
  if (unknown.length) throw new errors.InvalidScope(`unknown scope: ${unknown.join(' ')}`, unknown.join(' '));
}

/** Everything known about a user, for ID tokens and userinfo (each scope picks its claims). */
export function userClaims(user: User): Record<string, unknown> {
  return { sub: user.username, preferred_username: user.username, name: user.name, email: user.email, email_verified: user.email ? false : undefined };
}

/**
 * Whether the access token being issued comes from a sign-in with `openid`
 * (the authorization code's scopes, or a refresh's): OpenID Connect Core §5.3
 * lets that token be used at userinfo.
 */
function fromOpenIdSignIn(ctx: KoaContextWithOIDC, token: { accountId?: string }): boolean {
  const { route, params, entities } = ctx.oidc;
  if (!token.accountId || route !== 'token') return false;
  const source = entities.AuthorizationCode ?? entities.RefreshToken;
  const scope = typeof params?.scope === 'string' ? params.scope : source?.scope;
  return splitScope(scope).includes('openid') && splitScope(entities.Grant?.getOIDCScope()).includes('openid');
}

export function createProvider(options: ProviderOptions): Provider {
  const { audience, users, accessTokenTtlS, logger } = options;
  const signingKid = options.signingKeys[0]?.kid;
  const userinfo = userinfoAudience(options.issuer);

  // oidc-provider awaits every hook below, so they answer directly (CanBePromise).
  const configuration: Configuration = {
    adapter: options.adapter,
    clients: options.clients,
    jwks: { keys: options.signingKeys },
    cookies: { keys: options.cookieKeys },
    scopes: [...OIDC_SCOPES],
    claims: Object.fromEntries(Object.entries(OIDC_SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    findAccount(_ctx, sub) {
      const user = users.find(sub);
      if (!user) return undefined;
      return {
        accountId: user.username,
        claims() {
          return userClaims(user) as { sub: string };
        },
      };
    },
    interactions: { url: (_ctx, interaction) => `${options.interactionsPath}/${interaction.uid}` },
    // Length limits on the standard parameters every authorization request keeps (./request-limits.ts).
    extraParams: stateAndNonceLimits(),
    responseTypes: ['code'],
    // OAuth 2.1 / RFC 9700: PKCE (S256 only in oidc-provider 9) for every client, public or not.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // A confidential client (say, a resource server with credentials) may ask about any
        // token; a public client only about its own (RFC 7662 §4: don't help token scanning).
        allowedPolicy: (_ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a client revokes only tokens issued to it.
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = signOutPage(form, ctx.host);
        },
        postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body = signedOutPage(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId);
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every access token is for the API unless a client names another resource (refused below).
        defaultResource: () => audience,
        // An OpenID-only request (no API scope) gets an opaque token for userinfo;
        // anything with an API scope gets the API's JWT.
        useGrantedResource: (_ctx, model) => [...((model as { scopes?: Set<string> }).scopes ?? [])].some((s) => apiScopes.has(s)),
        getResourceServerInfo(ctx, resource) {
          // Called in every flow once the parameters are known: the one place to check scopes.
          rejectUnknownScopes(ctx);
          if (resource !== audience) throw new errors.InvalidTarget(`unknown resource; this server issues tokens for ${audience}`);
          return {
            scope: API_SCOPES.join(' '),
            audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtlS,
            jwt: { sign: { alg: SIGNING_ALG, kid: signingKid } },
          };
        },
      },
    },
    formats: {
      customizers: {
        // The API's JWT of a sign-in with openid also names the userinfo endpoint as
        // an audience (RFC 9068 §3 allows several): src/oauth/userinfo.ts accepts
        // exactly those there, and the API, which checks for its own, is unaffected.
        jwt(ctx, token, jwt) {
          if (fromOpenIdSignIn(ctx, token as { accountId?: string })) jwt.payload.aud = [audience, userinfo];
        },
      },
    },
    extraTokenClaims(_ctx, token) {
      const claims: Record<string, string> = {};
      const { grantId, accountId, scope } = token as { grantId?: string; accountId?: string; scope?: string };
      if (grantId) claims[GRANT_ID_CLAIM] = grantId;
      if (accountId && splitScope(scope).includes(GROUP_SCOPE)) {
        claims[GROUP_CLAIM] = users.find(accountId)?.groups.join(' ') ?? '';
      }
      return claims;
    },
    // Refresh tokens for every client allowed the grant, without asking for
    // offline_access: Postman and the playground expect them with plain OAuth scopes.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: accessTokenTtlS,
      ClientCredentials: accessTokenTtlS,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: options.interactionTtlS,
      RefreshToken: 14 * DAY_S,
      Session: 14 * DAY_S,
      Grant: 14 * DAY_S,
    },
    // Browser apps may call the token endpoint from the origins of their redirect URIs.
    clientBasedCORS(_ctx, origin, client) {
      return isRedirectUriOrigin(origin, client.redirectUris);
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage('This sign-in request cannot continue', { error: out.error, description: out.error_description });
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = options.trustProxy;
  provider.on('server_error', (_ctx, error) => logger.error({ err: error }, 'authorization server error'));
  // Token requests by grant type (src/observability/metrics.ts): the type is one of a fixed set, or "other".
  const grantType = (ctx: KoaContextWithOIDC) => {
    const type = ctx.oidc?.params?.grant_type;
    return typeof type === 'string' ? type : 'unknown';
  };
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => countGrant(grantType(ctx), 'issued'));
  provider.on('grant.error', (ctx: KoaContextWithOIDC) => countGrant(grantType(ctx), 'refused'));
  return provider;
}
