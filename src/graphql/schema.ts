// The executable schema, built once per process from the resource
// descriptions (type-graphql's metadata store is global).
import 'reflect-metadata'; // type-graphql needs it loaded, also in the schema CLI
import { GraphQLObjectType, specifiedDirectives, type GraphQLSchema } from 'graphql';
import { ForbiddenError } from '../errors.js';
import { toGraphQLError } from './errors.js';
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
    }).then(withLeftOutAttributes);
  })());
}

/**
 * An attribute the services left out of a row (the policy's field rules,
 * docs/policy.md) answers a FORBIDDEN error at its path: null for a nullable
 * field. A non-null one is refused before execution (field-authorization.ts);
 * should one reach here, its null goes to the nearest nullable parent. Present
 * attributes resolve as the default resolver would.
 */
function withLeftOutAttributes(built: GraphQLSchema): GraphQLSchema {
  for (const description of resourceList) {
    const type = built.getType(description.graphqlName);
    if (!(type instanceof GraphQLObjectType)) continue;
    const fields = type.getFields();
    for (const attribute of description.attributes) {
      const field = fields[attribute.field];
      if (!field || field.resolve) continue;
      const name = attribute.field;
      const refusal = `The policy does not let this caller read ${name} of a ${description.label}.`;
      field.resolve = (row: Record<string, unknown>) => {
        if (name in row) return row[name];
        throw toGraphQLError(new ForbiddenError(refusal));
      };
    }
  }
  return built;
}
