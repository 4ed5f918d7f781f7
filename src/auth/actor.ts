// The name a caller's writes are recorded under (last_mod_user_name): the user
// (`sub`) when a user is behind the token, else the client, as the original
// demo recorded its request's user. With several trusted issuers the same name
// can mean two people, so it is tagged with the issuer's label: `alice@campus`.
import type { Principal } from './types.js';

/** The last_mod_user_name columns are VARCHAR(80) (prisma/schema.prisma): longer would fail the write. */
export const MAX_ACTOR_NAME = 80;

export function actorName(principal: Principal | null, issuerLabel?: string): string | null {
  if (!principal) return null;
  const name = principal.hasUser ? principal.subject : (principal.clientId ?? principal.subject);
  if (issuerLabel === undefined) return name.slice(0, MAX_ACTOR_NAME);
  // The name is shortened rather than the label, which says whose name it is.
  const suffix = `@${issuerLabel}`;
  return `${name.slice(0, Math.max(1, MAX_ACTOR_NAME - suffix.length))}${suffix}`.slice(0, MAX_ACTOR_NAME);
}
