// RFC 7662 introspection of our own JWT access tokens. oidc-provider keeps no
// record of JWT access tokens and answers `unsupported_token_type` for them;
// a client that introspects one (or a resource server that prefers asking to
// verifying) should instead learn whether it is still good, and after its
// grant is revoked, that it is not (`active: false`). A resource server that
// verifies offline keeps accepting it until `exp`: hence short access tokens.
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Private claim naming the grant, so that introspection can tell a revoked grant's tokens. */
export const GRANT_ID_CLAIM = 'grant_id';

type Next = () => Promise<unknown>;

export function jwtIntrospection(provider: Provider, publicJwks: JSONWebKeySet) {
  const keys = createLocalJWKSet(publicJwks);

  async function answer(ctx: KoaContextWithOIDC, token: string): Promise<Record<string, unknown>> {
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer: provider.issuer, typ: 'at+jwt' }));
    } catch {
      return { active: false }; // not ours, tampered with, or expired: RFC 7662 §2.2
    }
    const client = ctx.oidc.client!;
    // As oidc-provider's own policy: a public client learns only about its own tokens.
    if (client.clientAuthMethod === 'none' && claims.client_id !== client.clientId) return { active: false };
    const grantId = claims[GRANT_ID_CLAIM];
    if (typeof grantId === 'string') {
      const grant = await provider.Grant.find(grantId);
      if (!grant || grant.clientId !== claims.client_id) return { active: false };
    }
    const { [GRANT_ID_CLAIM]: _grant, ...visible } = claims;
    return { ...visible, active: true, token_type: 'Bearer' };
  }

  // Runs around oidc-provider's introspection endpoint; by the time it answers
  // unsupported_token_type the client has authenticated and the token is a JWT.
  return async function introspectJwtAccessTokens(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    await next();
    const body = ctx.body as { error?: string } | undefined;
    if (ctx.oidc?.route !== 'introspection' || ctx.status !== 400 || body?.error !== 'unsupported_token_type' || !ctx.oidc.client) return;
    const token = ctx.oidc.params?.token;
    if (typeof token !== 'string') return;
    ctx.status = 200;
    ctx.body = await answer(ctx, token);
  };
}
