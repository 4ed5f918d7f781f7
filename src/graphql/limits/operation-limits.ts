// Depth and cost limits, checked once the operation and its variables are
// known (an Apollo plugin), so expensive operations are refused before
// anything runs.
//
// Depth counts records, not wrappers: `courses { edges { node { courseTerms
// { nodes { id } } } } }` is 2 deep (courses → courseTerms), whether a client
// uses edges/node or nodes. Cost estimates the records an operation may
// return: a connection costs its page size (first/last/limit, literal or
// variable; none, the default page) times what each
// of its records asks for; a to-one record costs 1; scalars are free.
// Introspection fields (`__schema`, `__type`) are not counted.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { defaultPageSize, maxPageSize } from '../pagination.js';

export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
}

interface Measure {
  depth: number;
  cost: number;
}

const isConnection = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
const isWrapper = (type: GraphQLNamedType) => isConnection(type) || (isObjectType(type) && ((type.name.endsWith('Edge') && 'cursor' in type.getFields()) || type.name === 'PageInfo'));

interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
}

function pageSize(walk: Walk, field: FieldNode): number {
  let size: number | undefined;
  for (const arg of field.arguments ?? []) {
    if (!['first', 'last', 'limit'].includes(arg.name.value)) continue;
    const value = argumentSize(walk, arg.value);
    if (value !== undefined) size = Math.max(size ?? 0, value);
  }
  return size ?? defaultPageSize;
}

/** Sizes beyond the maximum are refused by the resolvers; here they count as the maximum. */
function argumentSize(walk: Walk, value: ValueNode): number | undefined {
  const raw = value.kind === Kind.VARIABLE ? walk.variables[value.name.value] : value.kind === Kind.INT ? Number(value.value) : undefined;
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.max(0, Math.min(raw, maxPageSize)) : undefined;
}

function measure(walk: Walk, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    let inner: Measure = { depth: 0, cost: 0 };
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const definition = parent.getFields()[selection.name.value];
      if (!definition) continue; // reported by graphql's own rules
      const type = getNamedType(definition.type);
      const children =
        selection.selectionSet && (isObjectType(type) || isInterfaceType(type)) ? measure(walk, selection.selectionSet, type, seen) : { depth: 0, cost: 0 };
      if (isConnection(type)) inner = { depth: children.depth + 1, cost: 1 + pageSize(walk, selection) * children.cost };
      else if (isWrapper(type)) inner = children; // edges, pageInfo
      else if (isWrapper(parent)) inner = { depth: children.depth, cost: children.cost + (isObjectType(type) ? 1 : 0) }; // node, nodes: the records
      else if (isObjectType(type) || isInterfaceType(type)) inner = { depth: children.depth + 1, cost: 1 + children.cost };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : parent;
      if (condition && (isObjectType(condition) || isInterfaceType(condition))) inner = measure(walk, selection.selectionSet, condition, seen);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || seen.has(name)) continue; // unknown or cyclic: graphql's own rules report it
      const condition = walk.schema.getType(fragment.typeCondition.name.value);
      if (condition && (isObjectType(condition) || isInterfaceType(condition))) inner = measure(walk, fragment.selectionSet, condition, new Set([...seen, name]));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

/** Refusals are validation failures: HTTP 400, code GRAPHQL_VALIDATION_FAILED. */
function refusal(message: string, operation: OperationDefinitionNode, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { nodes: operation, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, ...extensions } });
}

export function checkOperation(walk: Walk, operation: OperationDefinitionNode, limits: OperationLimits): GraphQLError | undefined {
  const root = walk.schema.getRootType(operation.operation);
  if (!root) return undefined;
  const { depth, cost } = measure(walk, operation.selectionSet, root, new Set());
  if (depth > limits.maxDepth) {
    return refusal(`The operation nests records ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, operation, { limit: 'depth', depth, maxDepth: limits.maxDepth });
  }
  if (cost > limits.maxCost) {
    return refusal(
      `The operation may return about ${cost} records; at most ${limits.maxCost} are allowed. Ask for smaller pages (first/last/limit) or fewer nested lists.`,
      operation,
      { limit: 'cost', cost, maxCost: limits.maxCost },
    );
  }
  return undefined;
}

export function operationLimitsPlugin<C extends object>(limits: OperationLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const refused = checkOperation({ schema, fragments, variables: request.variables ?? {} }, operation, limits);
          if (refused) throw refused;
        },
      };
    },
  };
}
