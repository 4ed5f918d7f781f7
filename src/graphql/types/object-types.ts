// Object types: one per resource, its id and attributes (audit fields
// included). Relationship fields are added by the relationship resolvers
// (src/graphql/resolvers/relationships.ts), which know how to load them.
import { ID, Int, ObjectType } from 'type-graphql';
import type { ResourceDescription } from '../../resources/description.js';
import { addField, attributeType, namedClass, type GraphQLClass } from './define.js';

export function objectType(description: ResourceDescription): GraphQLClass {
  const type = namedClass(description.graphqlName);
  // `simple`: plain properties of the row, no middleware on the hot path.
  addField(type, 'id', () => ID, { simple: true });
  for (const attribute of description.attributes) {
    addField(type, attribute.field, () => attributeType(attribute), {
      nullable: attribute.nullable ?? false,
      simple: true,
      description: attribute.description ?? (attribute.readOnly ? 'Set by the server on every write (audit field).' : undefined),
    });
  }
  ObjectType(description.graphqlName, { description: `A ${description.label} (REST: /v1/${description.type}).` })(type);
  return type;
}

let pageInfo: GraphQLClass | undefined;

/** Relay's PageInfo. */
export function pageInfoType(): GraphQLClass {
  if (pageInfo) return pageInfo;
  const type = namedClass('PageInfo');
  addField(type, 'hasNextPage', () => Boolean, { simple: true });
  addField(type, 'hasPreviousPage', () => Boolean, { simple: true });
  addField(type, 'startCursor', () => String, { nullable: true, simple: true });
  addField(type, 'endCursor', () => String, { nullable: true, simple: true });
  ObjectType('PageInfo')(type);
  return (pageInfo = type);
}

/** CourseConnection (edges, nodes, pageInfo, totalCount) and CourseEdge. */
export function connectionType(description: ResourceDescription, node: GraphQLClass): GraphQLClass {
  const edge = namedClass(`${description.graphqlName}Edge`);
  addField(edge, 'cursor', () => String, { simple: true });
  addField(edge, 'node', () => node, { simple: true });
  ObjectType(`${description.graphqlName}Edge`)(edge);

  const info = pageInfoType();
  const connection = namedClass(`${description.graphqlName}Connection`);
  addField(connection, 'edges', () => [edge], { simple: true });
  addField(connection, 'nodes', () => [node], { simple: true, description: 'The records of the page, without cursors.' });
  addField(connection, 'pageInfo', () => info, { simple: true });
  addField(connection, 'totalCount', () => Int, { simple: true, description: 'How many records match, on all pages.' });
  ObjectType(`${description.graphqlName}Connection`, { description: `A page of ${description.label} records.` })(connection);
  return connection;
}
