// `@Authorized('read' | 'create' | 'update' | 'delete')` asks the shared policy
// (the same call the services and the REST door make) and answers in Apollo's
// codes: no token → UNAUTHENTICATED; a token without the scope or refused by a
// claim rule → FORBIDDEN, with `extensions.scope` naming a scope set that
// would have been enough.
import type { AuthChecker } from 'type-graphql';
import type { Operation } from '../auth/types.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';

const operations: ReadonlySet<string> = new Set<Operation>(['read', 'create', 'update', 'delete']);

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  for (const role of roles) {
    if (!operations.has(role)) throw new Error(`@Authorized("${role}") is not an operation of the policy`);
    try {
      context.auth.authorize(role as Operation);
    } catch (error) {
      throw toGraphQLError(error);
    }
  }
  return true;
};
