// The one operations table: every action either door offers, and the
// operation the policy (src/auth/policy.ts) is asked for before it runs. The
// GraphQL checks (@Authorized(action), src/graphql/auth-checker.ts), the REST
// door's method map (src/jsonapi/routes.ts), OpenAPI `security` and the
// Postman collection are derived from it; nothing else names an operation for
// an action.

/**
 * What the policy decides about: its table maps each to scope sets and group
 * rules. `audit` is reading the audit trail (src/resources/audit.ts), not the catalogue.
 */
export type Operation = 'read' | 'create' | 'update' | 'delete' | 'audit';

/** Every catalogue operation, in the order the policy file and the documents list them (`audit` is apart). */
export const OPERATIONS: readonly Exclude<Operation, 'audit'>[] = ['read', 'create', 'update', 'delete'];

/**
 * What each operation allows. Under the default policy each needs the scope of
 * the same name, so these are also the scopes' descriptions (OpenAPI's OAuth
 * flows, the consent page).
 */
export const OPERATION_DESCRIPTIONS: Readonly<Record<Operation, string>> = {
  read: 'Read the course catalogue',
  create: 'Add to the course catalogue',
  update: 'Change the course catalogue',
  delete: 'Delete from the course catalogue',
  audit: "Read the audit trail of the catalogue's changes",
};

/** The scopes a token needs for every operation under the default policy, space-separated (OAuth `scope`). */
export const ALL_OPERATIONS_SCOPE: string = OPERATIONS.join(' ');

/** Reads: a page of a collection, one record, a record's related records (or their linkage). */
export type ReadAction = 'list' | 'get' | 'related';

/** Writes: a record's create/update/delete; a relationship's add (to-many), remove (to-many) and replace. */
export type WriteKind = 'create' | 'update' | 'delete' | 'add' | 'remove' | 'replace';

export type Action = ReadAction | WriteKind;

export interface ActionRule {
  /** What the policy is asked for. */
  operation: Operation;
  /** The action in a phrase, for documents (OpenAPI summaries, error details). */
  description: string;
}

/**
 * The table. Relationship edits follow the original demo (and the JSON:API
 * relationship endpoints' HTTP methods): adding members is `create`, removing
 * them `delete`, replacing a relationship `update`.
 */
export const ACTIONS: Readonly<Record<Action, ActionRule>> = {
  list: { operation: 'read', description: 'list a collection' },
  get: { operation: 'read', description: 'fetch one record' },
  related: { operation: 'read', description: "fetch a record's related records or their linkage" },
  create: { operation: 'create', description: 'create a record' },
  update: { operation: 'update', description: 'change a record' },
  delete: { operation: 'delete', description: 'delete a record' },
  add: { operation: 'create', description: 'add members to a to-many relationship' },
  remove: { operation: 'delete', description: 'remove members from a to-many relationship' },
  replace: { operation: 'update', description: 'replace a relationship' },
};

/** The operation the policy is asked for before `action`. */
export function operationFor(action: Action): Operation {
  return ACTIONS[action].operation;
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && Object.hasOwn(ACTIONS, value);
}

/** The write kinds' operations (a view of ACTIONS, for callers that only write). */
export const writeOperations: Readonly<Record<WriteKind, Operation>> = {
  create: operationFor('create'),
  update: operationFor('update'),
  delete: operationFor('delete'),
  add: operationFor('add'),
  remove: operationFor('remove'),
  replace: operationFor('replace'),
};
