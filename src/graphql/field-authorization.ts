// Field rules (docs/policy.md) before execution: a non-null attribute the
// policy hides from the caller cannot answer `null` with a FORBIDDEN error at
// its path (a non-null field's null would wipe out its parent), so an
// operation selecting one is refused as a whole, before any resolver runs and
// before any statement. Nullable hidden attributes are left to execution
// (schema.ts: null with FORBIDDEN at their path).
//
// The walk follows the selection as execution will (fragments, inline
// fragments with their type conditions, @skip/@include with the operation's
// variables). Which attributes are hidden depends on the type and field only,
// so each named fragment is walked once, wherever and however often it is
// spread: the walk is linear in the document.
import {
  GraphQLError,
  getNamedType,
  isAbstractType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { ForbiddenError } from '../errors.js';
import type { ResourceDescription } from '../resources/description.js';
import { resourceList } from '../resources/registry.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';

type Variables = Record<string, unknown>;

/** Per resource object type: its description and its non-null attribute fields (the only ones refused here). */
const guardedBySchema = new WeakMap<GraphQLSchema, Map<string, { description: ResourceDescription; nonNull: ReadonlySet<string> }>>();

function guardedTypes(schema: GraphQLSchema): Map<string, { description: ResourceDescription; nonNull: ReadonlySet<string> }> {
  let guarded = guardedBySchema.get(schema);
  if (guarded) return guarded;
  guarded = new Map();
  for (const description of resourceList) {
    const type = schema.getType(description.graphqlName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    const nonNull = new Set(description.attributes.map((a) => a.field).filter((name) => fields[name] && isNonNullType(fields[name].type)));
    if (nonNull.size) guarded.set(type.name, { description, nonNull });
  }
  guardedBySchema.set(schema, guarded);
  return guarded;
}

/**
 * Throws a FORBIDDEN GraphQLError (HTTP 403) naming the first selected
 * non-null attribute the policy hides from this caller, with its response
 * path, its resource type and its attribute (JSON:API names).
 */
export function refuseHiddenNonNullFields(
  schema: GraphQLSchema,
  root: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Variables,
  context: GraphQLContext,
  included: (selection: SelectionNode, variables: Variables) => boolean,
): void {
  // The caller's hidden non-null attributes by type; none (no field rules, or none for this caller): no walk.
  const hiddenOf = new Map<string, { description: ResourceDescription; fields: ReadonlySet<string> }>();
  for (const [typeName, { description, nonNull }] of guardedTypes(schema)) {
    const hiddenHere = context.services[description.name].hiddenAttributes(context.auth);
    const fields = new Set([...(hiddenHere ?? [])].filter((f) => nonNull.has(f)));
    if (fields.size) hiddenOf.set(typeName, { description, fields });
  }
  if (!hiddenOf.size) return;
  const hidden = (typeName: string, field: string): ResourceDescription | undefined => {
    const entry = hiddenOf.get(typeName);
    return entry?.fields.has(field) ? entry.description : undefined;
  };
  const walkedFragments = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, path: readonly string[]): void => {
    if (!parent) return; // unknown types are graphql's own validation errors
    const candidates: readonly GraphQLObjectType[] = isObjectType(parent) ? [parent] : isAbstractType(parent) ? schema.getPossibleTypes(parent) : [];
    for (const selection of set.selections) {
      if (!included(selection, variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent, path);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || walkedFragments.has(name)) continue;
        walkedFragments.add(name);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), path);
      } else {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const at = [...path, selection.alias?.value ?? name];
        let child: GraphQLNamedType | undefined;
        for (const type of candidates) {
          const definition = type.getFields()[name];
          if (!definition) continue;
          child ??= getNamedType(definition.type);
          const description = hidden(type.name, name);
          if (description) throw refusal(selection, at, description, name);
        }
        if (selection.selectionSet) walk(selection.selectionSet, child, at);
      }
    }
  };
  walk(selectionSet, root, []);
}

function refusal(field: FieldNode, path: readonly string[], description: ResourceDescription, name: string): GraphQLError {
  const attribute = description.attributes.find((a) => a.field === name)!.external;
  const error = new ForbiddenError(
    `The policy does not let this caller read ${name} of a ${description.label} (${description.type}.${attribute}), a non-null field selected at ${path.join('.')}; the operation was not run.`,
  );
  const translated = toGraphQLError(error) as GraphQLError;
  return new GraphQLError(translated.message, {
    nodes: field,
    originalError: error,
    extensions: { ...translated.extensions, selection: path.join('.'), resource: description.type, attribute, http: { status: 403 } },
  });
}
