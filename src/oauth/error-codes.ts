// Two of oidc-provider's answers use `invalid_request` where RFC 6749 §5.2
// names a more precise code, which clients and our docs switch on:
// - no client authentication at all: `invalid_client`, 401;
// - a grant type the client is not registered for: `unauthorized_client`.
// oidc-provider has no code for them, only these descriptions, so they are
// matched here and covered by test/oauth/refusals.test.ts against upgrades.
import type { KoaContextWithOIDC } from 'oidc-provider';

const NO_CLIENT_AUTH = 'no client authentication mechanism provided';
const GRANT_NOT_ALLOWED = 'requested grant type is not allowed for this client';

export async function alignErrorCodes(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
  await next();
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (!body || typeof body !== 'object' || body.error !== 'invalid_request') return;
  if (body.error_description === NO_CLIENT_AUTH) {
    ctx.status = 401;
    body.error = 'invalid_client';
  } else if (body.error_description === GRANT_NOT_ALLOWED) {
    body.error = 'unauthorized_client';
  }
}
