// OpenID Connect Core §5.3: the access token of a sign-in works at the
// UserInfo endpoint. oidc-provider answers userinfo only for its opaque
// tokens without an audience, and keeps no record of JWT access tokens
// (panva/node-oidc-provider#1127), so the API's JWT of a sign-in with
// `openid` and API scopes got 401 there. Such a JWT names the userinfo
// endpoint among its audiences (see userinfoAudience in provider.ts); this
// middleware answers for it: signature, issuer, type and expiry checked as the
// API checks them, its grant still alive, and only the claims of the OpenID
// scopes the user granted. Any other JWT keeps oidc-provider's 401.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
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
  accountClaims(accountId: string): Record<string, unknown> | undefined;
}

export function jwtUserinfo({ provider, publicJwks, accountClaims }: JwtUserinfoDeps) {
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

  // Runs around oidc-provider's userinfo endpoint; by the time it answers
  // invalid_token it has found the request well-formed, with one bearer token.
  return async function userinfoForJwtAccessTokens(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    if (ctx.oidc?.route !== 'userinfo' || ctx.status !== 401 || (ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_token') return;
    let token: string;
    try {
      token = ctx.oidc.getAccessToken();
    } catch {
      return;
    }
    const claims = await verified(token);
    if (!claims) return;
    const result = await answer(claims, splitScope(ctx.oidc.params?.scope));
    if (!result) return;
    ctx.remove('WWW-Authenticate');
    if (result === 'insufficient_scope') {
      ctx.status = 403;
      ctx.set('WWW-Authenticate', 'Bearer error="insufficient_scope", error_description="access token missing requested scope"');
      ctx.body = { error: 'insufficient_scope', error_description: 'access token missing requested scope' };
      return;
    }
    ctx.status = 200;
    ctx.body = result;
  };
}
