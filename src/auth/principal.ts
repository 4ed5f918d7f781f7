// Turns verified claims (of a JWT, or of an introspection answer) into the
// Principal the rest of the app sees.
import type { Principal } from './types.js';
import { TokenRejected } from './problems.js';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function scopeList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(' ').filter(Boolean); // RFC 6749 §3.3, RFC 9068 §2.2.3
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new TokenRejected(`The ${name} claim is neither a string nor a list of strings.`);
}

/**
 * Whether a user is behind the token. RFC 9068 §2.2 puts the client's own id in
 * `sub` when no resource owner is involved, and so does oidc-provider for
 * client-credentials JWTs (sub = client_id); introspection answers for such
 * tokens usually have no `sub` at all. Auth0 marks them `gty: client-credentials`,
 * Microsoft Entra `idtyp: app`.
 */
export function isUserToken(claims: Readonly<Record<string, unknown>>, subject: string | undefined, clientId: string | undefined): boolean {
  if (subject === undefined) return false;
  if (clientId !== undefined && subject === clientId) return false;
  if (claims.gty === 'client-credentials' || claims.idtyp === 'app') return false;
  return true;
}

export function principalFromClaims(claims: Readonly<Record<string, unknown>>, issuer: string): Principal {
  // client_id: RFC 9068 §2.2 and RFC 7662 §2.2; azp (OIDC) and cid (Okta) are older spellings.
  const clientId = str(claims.client_id) ?? str(claims.azp) ?? str(claims.cid);
  const sub = str(claims.sub);
  const subject = sub ?? clientId;
  if (subject === undefined) throw new TokenRejected('The token names neither a subject nor a client.');
  const scopes = new Set([...scopeList(claims.scope, 'scope'), ...scopeList(claims.scp, 'scp')]);
  const exp = typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? new Date(claims.exp * 1000) : undefined;
  return Object.freeze({
    subject,
    clientId,
    issuer,
    scopes,
    claims: Object.freeze({ ...claims }),
    hasUser: isUserToken(claims, sub, clientId),
    expiresAt: exp,
  });
}
