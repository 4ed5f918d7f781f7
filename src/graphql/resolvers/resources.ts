// Per resource: `course(id)`, `courses(...)`, and the mutations createCourse,
// updateCourse, deleteCourse and, per relationship, set/add/remove. Each is
// `@Authorized` with its action of the operations table (the checker asks the
// policy for the action's operation, src/resources/operations.ts), and only
// translates between GraphQL arguments and the resource service. Mutations
// also carry, as field extensions, the write they make, for the check of the
// whole operation before it runs (../write-authorization.ts).
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, Extensions, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../errors.js';
import type { RelationshipDescription, ResourceDescription, ResourceName } from '../../resources/description.js';
import { resources } from '../../resources/registry.js';
import type { Action, WriteKind } from '../../resources/operations.js';
import type { RelationshipValue, WriteInput } from '../../resources/service.js';
import type { GraphQLContext } from '../context.js';
import { translated } from '../errors.js';
import { linkageArg, listField, singleField, upperFirst } from '../naming.js';
import type { ResourceTypes } from '../types/index.js';
import type { ListArgs } from '../types/list-args.js';
import { namedClass } from '../types/define.js';
import { defineMethod } from './define.js';
import { connectionSelection } from './connection-selection.js';
import { rootList } from './lists.js';

/** A mutation's field extension: the write it makes (read by ../write-authorization.ts). */
export interface WriteExtension {
  resource: ResourceName;
  kind: WriteKind;
}

/** `@Authorized` with the write's action, and the write as a field extension. */
function writes(description: ResourceDescription, kind: WriteKind): MethodDecorator[] {
  const write: WriteExtension = { resource: description.name, kind };
  return [Authorized<Action>(kind), Extensions({ write })];
}

/**
 * A create/update input → the services' WriteInput (attributes by field,
 * relationships by field, new members of one-to-many relationships by the
 * relationship's field: the nested creates).
 */
function writeInput(description: ResourceDescription, input: Record<string, unknown>): WriteInput {
  const attributes: Record<string, unknown> = {};
  const relationships: Record<string, RelationshipValue> = {};
  const created: Record<string, WriteInput[]> = {};
  let id: string | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === 'id') id = value as string;
    const rel = description.relationships.find((r) => linkageArg(r) === key);
    const nested = description.relationships.find((r) => r.field === key);
    if (rel) relationships[rel.field] = value as RelationshipValue;
    else if (nested) created[nested.field] = ((value as Record<string, unknown>[] | null) ?? []).map((member) => writeInput(resources[nested.target], member));
    else if (key !== 'id') attributes[key] = value;
  }
  return { ...(id !== undefined ? { id } : {}), attributes, relationships, ...(Object.keys(created).length ? { created } : {}) };
}

export function resourceResolver(description: ResourceDescription, all: Readonly<Record<ResourceName, ResourceTypes>>): new () => object {
  const types = all[description.name];
  const name = description.graphqlName;
  const resolver = namedClass(`${name}Resolver`);
  const service = (ctx: GraphQLContext) => ctx.services[description.name];
  const inInput = { description, input: 'input' };
  const atTop = { description };

  defineMethod(
    resolver,
    'one',
    async (id: string, ctx: GraphQLContext) =>
      translated(atTop, async () => {
        try {
          return await service(ctx).get(ctx.auth, id);
        } catch (error) {
          if (error instanceof NotFoundError) return null; // GraphQL's "no such record" is null
          throw error;
        }
      }),
    {
      method: [Authorized<Action>('get'), Query(() => types.object, { name: singleField(description), nullable: true, description: `One ${description.label} by id; null if there is none.` })],
      params: [Arg('id', () => ID), Ctx()],
    },
  );

  defineMethod(
    resolver,
    'list',
    async (args: ListArgs, ctx: GraphQLContext, info: GraphQLResolveInfo) => translated(atTop, () => rootList(service(ctx), ctx.auth, args, connectionSelection(info))),
    {
      method: [Authorized<Action>('list'), Query(() => types.connection, { name: listField(description), description: `A page of ${description.label} records (REST: GET /v1/${description.type}).` })],
      params: [Args(() => types.listArgs), Ctx(), Info()],
    },
  );

  defineMethod(
    resolver,
    'create',
    async (input: Record<string, unknown>, ctx: GraphQLContext) => translated(inInput, () => service(ctx).create(ctx.auth, writeInput(description, input))),
    {
      method: [...writes(description, 'create'), Mutation(() => types.object, { name: `create${name}` })],
      params: [Arg('input', () => types.createInput), Ctx()],
    },
  );

  defineMethod(
    resolver,
    'update',
    async (id: string, input: Record<string, unknown>, ctx: GraphQLContext) =>
      translated(inInput, () => service(ctx).update(ctx.auth, id, writeInput(description, input))),
    {
      method: [...writes(description, 'update'), Mutation(() => types.object, { name: `update${name}`, description: 'Changes the fields given; the others keep their values.' })],
      params: [Arg('id', () => ID), Arg('input', () => types.updateInput), Ctx()],
    },
  );

  defineMethod(
    resolver,
    'remove',
    async (id: string, ctx: GraphQLContext) =>
      translated(atTop, async () => {
        await service(ctx).delete(ctx.auth, id);
        return id;
      }),
    {
      method: [...writes(description, 'delete'), Mutation(() => ID, { name: `delete${name}`, description: 'Deletes the record and answers its id.' })],
      params: [Arg('id', () => ID), Ctx()],
    },
  );

  for (const rel of description.relationships) addRelationshipEdits(resolver, description, rel, types);

  Resolver(() => types.object)(resolver);
  return resolver;
}

/** set{Type}{Rel} for every relationship; add…/remove… for to-many ones. */
function addRelationshipEdits(resolver: new () => object, description: ResourceDescription, rel: RelationshipDescription, types: ResourceTypes): void {
  const places = { description };
  const arg = linkageArg(rel);
  const suffix = `${description.graphqlName}${upperFirst(rel.field)}`;
  const idsArg = rel.toMany ? Arg(arg, () => [ID]) : Arg(arg, () => ID, { nullable: !rel.required });

  defineMethod(
    resolver,
    `set${suffix}`,
    async (id: string, value: RelationshipValue | undefined, ctx: GraphQLContext) =>
      translated(places, () => ctx.services[description.name].setRelationship(ctx.auth, id, rel.field, value ?? null)),
    {
      method: [...writes(description, 'replace'), Mutation(() => types.object, { name: `set${suffix}`, description: rel.toMany ? `Replaces the ${rel.field} of a ${description.label}.` : `Sets (or, with null, clears) the ${rel.field} of a ${description.label}.` })],
      params: [Arg('id', () => ID), idsArg, Ctx()],
    },
  );
  if (!rel.toMany) return;
  for (const how of ['add', 'remove'] as const) {
    defineMethod(
      resolver,
      `${how}${suffix}`,
      async (id: string, ids: string[], ctx: GraphQLContext) =>
          translated(places, () => {
          const service = ctx.services[description.name];
          return how === 'add' ? service.addToRelationship(ctx.auth, id, rel.field, ids) : service.removeFromRelationship(ctx.auth, id, rel.field, ids);
        }),
      {
        method: [
          // The same actions as REST's POST/DELETE on a relationship.
          ...writes(description, how),
          Mutation(() => types.object, { name: `${how}${suffix}`, description: how === 'add' ? `Adds to the ${rel.field} of a ${description.label} (already present ones stay once).` : `Removes from the ${rel.field} of a ${description.label} (absent ones are ignored).` }),
        ],
        params: [Arg('id', () => ID), Arg(arg, () => [ID]), Ctx()],
      },
    );
  }
}
