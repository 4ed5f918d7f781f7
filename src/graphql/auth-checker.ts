// `@Authorized(action)` names the action of the operations table
// (src/resources/operations.ts: 'list', 'get', 'create', 'add', …); the
// checker asks the shared policy for that action's operation (the same call
// the services and the REST door make) and answers in Apollo's codes: no token
// → UNAUTHENTICATED; a token without the scope or refused by a claim rule →
// FORBIDDEN, with `extensions.scope` naming a scope set that would have been
// enough.
import type { AuthChecker } from 'type-graphql';
import { isAction, operationFor } from '../resources/operations.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';

export const authChecker: AuthChecker<GraphQLContext> = ({ context }, actions) => {
  for (const action of actions) {
    if (!isAction(action)) throw new Error(`@Authorized("${action}") is not an action of the operations table`);
    try {
      context.auth.authorize(operationFor(action));
    } catch (error) {
      throw toGraphQLError(error);
    }
  }
  return true;
};
