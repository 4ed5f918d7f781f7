// Every relationship as a field, both ways (course.courseTerms and
// courseTerm.course). To-many fields are connections taking the same
// arguments as root lists; all of them load through the request's
// DataLoaders, so 50 courses' terms are one query, not 50, and a to-many
// reads at most the page each record asked for (see ./lists.ts).
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { ListQuery } from '../../resources/query.js';
import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { RelationshipDescription, ResourceDescription, ResourceName } from '../../resources/description.js';
import { resources } from '../../resources/registry.js';
import type { Row } from '../../resources/service.js';
import type { GraphQLContext } from '../context.js';
import { translated } from '../errors.js';
import { listQuery } from '../list-query.js';
import type { ResourceTypes } from '../types/index.js';
import type { ListArgs } from '../types/list-args.js';
import { namedClass } from '../types/define.js';
import { connectionSelection, type ConnectionSelection } from './connection-selection.js';
import { defineMethod } from './define.js';
import { listConnection } from './lists.js';

/**
 * A to-many field's list question and selection, per field node list: graphql-js
 * collects a field's nodes once per request and parent type (so the same array
 * for every record of a list, with the same arguments), never across requests.
 */
const prepared = new WeakMap<readonly FieldNode[], { query: ListQuery; wants: ConnectionSelection }>();

function toMany(resolver: new () => object, description: ResourceDescription, rel: RelationshipDescription, targetTypes: ResourceTypes): void {
  const target = resources[rel.target];
  defineMethod(
    resolver,
    rel.field,
    async (root: Row, args: ListArgs, ctx: GraphQLContext, info: GraphQLResolveInfo) =>
      translated({ description: target }, () => {
        // The same field under every record of a list asks the same question: prepared once per request.
        let field = prepared.get(info.fieldNodes);
        if (!field) prepared.set(info.fieldNodes, (field = { query: listQuery(target, args), wants: connectionSelection(info) }));
        const { query, wants } = field;
        return listConnection((call) => ctx.loaders.relatedWindow(description.name, rel.field, query, call).load(root.id), args, wants);
      }),
    {
      method: [FieldResolver(() => targetTypes.connection, { name: rel.field, description: `REST: /v1/${description.type}/{id}/${rel.external}` })],
      params: [Root(), Args(() => targetTypes.listArgs), Ctx(), Info()],
    },
  );
}

function toOne(resolver: new () => object, description: ResourceDescription, rel: RelationshipDescription, targetTypes: ResourceTypes): void {
  const foreignKey = rel.foreignKey;
  defineMethod(
    resolver,
    rel.field,
    async (root: Row, ctx: GraphQLContext) =>
      translated({ description }, async () => {
        if (foreignKey) {
          const id = root[foreignKey] as string | null | undefined;
          return id ? ctx.loaders.byId(rel.target).load(id) : null;
        }
        const rows = await ctx.loaders.related(description.name, rel.field, {}).load(root.id);
        return rows[0] ?? null;
      }),
    {
      method: [FieldResolver(() => targetTypes.object, { name: rel.field, nullable: !rel.required })],
      params: [Root(), Ctx()],
    },
  );
}

export function relationshipResolver(description: ResourceDescription, all: Readonly<Record<ResourceName, ResourceTypes>>): new () => object {
  const resolver = namedClass(`${description.graphqlName}RelationshipResolver`);
  for (const rel of description.relationships) {
    if (rel.toMany) toMany(resolver, description, rel, all[rel.target]);
    else toOne(resolver, description, rel, all[rel.target]);
  }
  Resolver(() => all[description.name].object)(resolver);
  return resolver;
}
