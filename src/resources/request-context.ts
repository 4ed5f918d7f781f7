// What the services need to know of a caller: the policy's answer for an
// operation, and the name its writes record. The auth context builder
// (src/auth/context.ts) implements it for requests; systemContext for trusted
// in-process callers.
import type { Prisma } from '../db/database.js';
import type { Operation } from './operations.js';
import type { ResourceName } from './description.js';
import type { Where } from './query.js';

/**
 * The policy's row and field rules, evaluated for one caller (src/auth/rules.ts):
 * the services AND `rows` into every statement they run (src/resources/row-access.ts).
 */
export interface AccessRules {
  /** The condition a row of `resource` must meet for `operation`; undefined: every row. */
  rows(resource: ResourceName, operation: Operation): Where | undefined;
  /** Attributes (fields) of `resource` this caller may not read; undefined: none. */
  hidden(resource: ResourceName): ReadonlySet<string> | undefined;
}

export interface RequestContext {
  /** Throws UnauthenticatedError or ForbiddenError (src/auth/errors.ts) when the policy refuses. */
  authorize(operation: Operation): void;
  /** The same question as authorize, answered without throwing: may this caller do it? */
  can(operation: Operation): boolean;
  /** What lastModUserName records for this caller's writes. */
  readonly actorName: string | null;
  /**
   * Where this caller's reads go: a read replica, or the primary when the
   * caller wrote recently (read-your-writes). Unset: the services' own client.
   */
  readonly reader?: Prisma;
  /** Called by the services after a write of this caller has been stored (read-your-writes). */
  wrote?(): void;
  /** Row and field rules; unset when the policy has none (every row and field). */
  readonly rules?: AccessRules;
}

/** For trusted in-process callers (demo data loader, import command, the services' own look-ups). */
export function systemContext(actorName: string | null): RequestContext {
  return { authorize: () => {}, can: () => true, actorName };
}
