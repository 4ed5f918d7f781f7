// oidc-provider lists only OpenID scopes and claims in its discovery document;
// Postman, Swagger UI and people read `scopes_supported` (RFC 8414 §2) to learn
// the API's scopes too, and the group claim should be findable as well.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { ALL_SCOPES, GROUP_CLAIM } from './scopes.js';

export async function completeDiscovery(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
  await next();
  if (ctx.oidc?.route !== 'discovery' || ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object') return;
  const body = ctx.body as { scopes_supported?: string[]; claims_supported?: string[] };
  body.scopes_supported = [...new Set([...(body.scopes_supported ?? []), ...ALL_SCOPES])];
  body.claims_supported = [...new Set([...(body.claims_supported ?? []), GROUP_CLAIM])];
}
