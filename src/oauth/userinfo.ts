// OpenID Connect Core §5.3: the access token of a sign-in works at the
// UserInfo endpoint. oidc-provider answers userinfo only for its opaque
// tokens without an audience, and keeps no record of JWT access tokens
// (panva/node-oidc-provider#1127), so the API's JWT of a sign-in with
// `openid` and API scopes got 401 there. Such a JWT names the userinfo
// endpoint among its audiences (see userinfoAudience in provider.ts); this
// middleware answers for it: signature, issuer, type and expiry checked as the
// API checks them, its grant still alive, and only the claims of the OpenID
// scopes the user granted. Any other JWT keeps oidc-provider's 401.
//
// CORS: oidc-provider answers userinfo with Access-Control-Allow-Origin set to
// whatever Origin came, `null` included, and checks the origin against the
// client only when the token is one of its own. Here the rest of /oauth's rule
// applies to every answer: a token's answer is readable from its client's
// redirect-URI origins only (another origin is refused, as oidc-provider's
// clientBasedCORS refuses it), and an answer tied to no client (an error, a
// preflight) only from the origin of some registered client.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { isRedirectUriOrigin } from './client-origins.js';
import { GRANT_ID_CLAIM } from './introspection.js';
import { OIDC_SCOPE_CLAIMS, splitScope } from './scopes.js';

type Next = () => Promise<unknown>;

/** The audience value a JWT access token carries when it may be used at userinfo. */
export function userinfoAudience(issuer: string): string {
  return `${issuer}/me`;
}

export interface JwtUserinfoDeps {
  provider: Provider;
  publicJwks: JSONWebKeySet;
  /** Every claim known about an account, or undefined when there is no such account. */
  accountClaims: (accountId: string) => Record<string, unknown> | undefined;
  /** The redirect-URI origins of every client: who may read an answer tied to no client. */
  clientOrigins: ReadonlySet<string>;
}

const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Expose-Headers', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age'];

export function jwtUserinfo({ provider, publicJwks, accountClaims, clientOrigins }: JwtUserinfoDeps) {
  const keys = createLocalJWKSet(publicJwks);
  const audience = userinfoAudience(provider.issuer);

  async function verified(token: string): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(token, keys, { issuer: provider.issuer, audience, typ: 'at+jwt' })).payload;
    } catch {
      return undefined; // not ours, not for userinfo, altered or expired
    }
  }

  /** The claims to answer with, or undefined when the token's grant no longer allows any. */
  async function answer(claims: JWTPayload, requested: string[]): Promise<Record<string, unknown> | 'insufficient_scope' | undefined> {
    const { sub, client_id: clientId, [GRANT_ID_CLAIM]: grantId } = claims as JWTPayload & Record<string, unknown>;
    if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof grantId !== 'string') return undefined;
    // Revoking the grant (or its refresh token) ends the access token here, as at introspection.
    const grant = await provider.Grant.find(grantId);
    if (!grant || grant.clientId !== clientId || grant.accountId !== sub) return undefined;
    const granted = new Set(splitScope(grant.getOIDCScope()));
    if (!granted.has('openid') || !(await provider.Client.find(clientId))) return undefined;
    // §5.3.1 lets a request narrow the scopes (oidc-provider's `scope` parameter): never widen them.
    if (requested.some((s) => !granted.has(s))) return 'insufficient_scope';
    const scopes = requested.length ? requested : [...granted];
    const available = accountClaims(sub);
    if (!available) return undefined;
    const rejected = new Set(grant.getRejectedOIDCClaims());
    const names = new Set(scopes.flatMap((s) => OIDC_SCOPE_CLAIMS[s] ?? []).filter((c) => !rejected.has(c)));
    names.add('sub');
    return Object.fromEntries(Object.entries({ ...available, sub }).filter(([name, value]) => names.has(name) && value !== undefined));
  }

  /**
   * Answers for a JWT access token where oidc-provider answered invalid_token;
   * returns the token's client when the answer is the token's.
   */
  async function answerJwt(ctx: KoaContextWithOIDC): Promise<string | undefined> {
    // By the time oidc-provider answers invalid_token it has found the request well-formed, with one bearer token.
    if (ctx.status !== 401 || (ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_token') return undefined;
    let token: string;
    try {
      token = ctx.oidc.getAccessToken();
    } catch {
      return undefined;
    }
    const claims = await verified(token);
    if (!claims) return undefined;
    const result = await answer(claims, splitScope(ctx.oidc.params?.scope));
    if (!result) return undefined;
    ctx.remove('WWW-Authenticate');
    if (result === 'insufficient_scope') {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', 'Bearer error="insufficient_scope", error_description="access token missing requested scope"');
      ctx.body = { error: 'insufficient_scope', error_description: 'access token missing requested scope' };
    } else {
      ctx.status = 200;
      ctx.body = result;
    }
    return claims.client_id as string;
  }

  async function limitOrigin(ctx: KoaContextWithOIDC, clientId: string | undefined): Promise<void> {
    const origin = ctx.get('Origin');
    if (!origin || !ctx.response.get('Access-Control-Allow-Origin')) return;
    if (clientId === undefined) {
      if (origin === 'null' || !clientOrigins.has(origin)) for (const header of CORS_HEADERS) ctx.remove(header);
      return;
    }
    const client = await provider.Client.find(clientId);
    if (client && isRedirectUriOrigin(origin, client.redirectUris)) return;
    for (const header of CORS_HEADERS) ctx.remove(header);
    ctx.remove('WWW-Authenticate');
    ctx.status = 400;
    ctx.body = { error: 'invalid_request', error_description: `origin ${origin} not allowed for client: ${clientId}` };
  }

  // Runs around oidc-provider's userinfo endpoint and its preflight.
  return async function userinfoForJwtAccessTokens(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    const route = ctx.oidc?.route;
    if (route === 'userinfo') {
      const clientId = (await answerJwt(ctx)) ?? ctx.oidc.client?.clientId;
      await limitOrigin(ctx, clientId);
    } else if (route === 'cors.userinfo') {
      await limitOrigin(ctx, undefined);
    }
  };
}
