// What the services need to know of a caller: the policy's answer for an
// operation, and the name its writes record. The auth context builder
// (src/auth/context.ts) implements it for requests; systemContext for trusted
// in-process callers.
import type { Operation } from './operations.js';

export interface RequestContext {
  /** Throws UnauthenticatedError or ForbiddenError (src/auth/errors.ts) when the policy refuses. */
  authorize(operation: Operation): void;
  /** The same question as authorize, answered without throwing: may this caller do it? */
  can(operation: Operation): boolean;
  /** What lastModUserName records for this caller's writes. */
  readonly actorName: string | null;
}

/** For trusted in-process callers (demo data loader, import command, the services' own look-ups). */
export function systemContext(actorName: string | null): RequestContext {
  return { authorize: () => {}, can: () => true, actorName };
}
