// What every resolver gets: the caller (from the shared context builder), the
// resource services and this request's loaders.
import type { RequestContext } from '../resources/request-context.js';
import type { Services } from '../resources/service.js';
import { Loaders } from './loaders.js';

export interface GraphQLContext {
  auth: RequestContext;
  services: Services;
  loaders: Loaders;
  /** Charges this caller's GraphQL cost budget (src/http/budget.ts), when there is one. */
  spendCost?: (cost: number) => Promise<void>;
}

export function graphqlContext(auth: RequestContext, services: Services, spendCost?: (cost: number) => Promise<void>): GraphQLContext {
  return { auth, services, loaders: new Loaders(services, auth), ...(spendCost ? { spendCost } : {}) };
}
