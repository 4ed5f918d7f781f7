// The executable schema, built once per process from the resource
// descriptions (type-graphql's metadata store is global).
import 'reflect-metadata'; // type-graphql needs it loaded, also in the schema CLI
import { specifiedDirectives, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { resourceList } from '../resources/registry.js';
import { atomicDirective } from './atomic.js';
import { authChecker } from './auth-checker.js';
import { relationshipResolver } from './resolvers/relationships.js';
import { resourceResolver } from './resolvers/resources.js';
import { resourceTypes } from './types/index.js';

let schema: Promise<GraphQLSchema> | undefined;

export function graphqlSchema(): Promise<GraphQLSchema> {
  return (schema ??= (() => {
    const types = resourceTypes();
    const resolvers = resourceList.flatMap((d) => [resourceResolver(d, types), relationshipResolver(d, types)]);
    return buildSchema({
      // The registry always has resources, so the list is never empty.
      resolvers: resolvers as NonEmptyArray<new () => object>,
      authChecker,
      authMode: 'error',
      // The services validate every input; class-validator is not involved.
      validate: false,
      directives: [...specifiedDirectives, atomicDirective],
    });
  })());
}
