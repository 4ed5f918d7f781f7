// Depth and cost limits as one validation rule, so expensive operations are
// refused before anything runs.
//
// Depth counts records, not wrappers: `courses { edges { node { courseTerms
// { nodes { id } } } } }` is 2 deep (courses → courseTerms), whether a client
// uses edges/node or nodes. Cost estimates the records an operation may
// return: a connection costs its page size (first/last/limit; a variable
// counts as the largest page allowed; none, the default page) times what each
// of its records asks for; a to-one record costs 1; scalars are free.
// Introspection fields (`__schema`, `__type`) are not counted.
import {
  GraphQLError,
  getNamedType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
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

function pageSize(field: FieldNode): number {
  let size: number | undefined;
  for (const arg of field.arguments ?? []) {
    if (!['first', 'last', 'limit'].includes(arg.name.value)) continue;
    size = Math.max(size ?? 0, literalSize(arg.value));
  }
  return size ?? defaultPageSize;
}

function literalSize(value: ValueNode): number {
  if (value.kind === Kind.INT) return Math.max(0, Math.min(Number(value.value), maxPageSize));
  if (value.kind === Kind.NULL) return defaultPageSize;
  return maxPageSize; // a variable: assume the worst the schema allows
}

function measure(context: ValidationContext, selectionSet: SelectionSetNode, parent: GraphQLCompositeType, seen: ReadonlySet<string>): Measure {
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
        selection.selectionSet && (isObjectType(type) || isInterfaceType(type)) ? measure(context, selection.selectionSet, type, seen) : { depth: 0, cost: 0 };
      if (isConnection(type)) inner = { depth: children.depth + 1, cost: 1 + pageSize(selection) * children.cost };
      else if (isWrapper(type)) inner = children; // edges, pageInfo
      else if (isWrapper(parent)) inner = { depth: children.depth, cost: children.cost + (isObjectType(type) ? 1 : 0) }; // node, nodes: the records
      else if (isObjectType(type) || isInterfaceType(type)) inner = { depth: children.depth + 1, cost: 1 + children.cost };
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      if (condition && (isObjectType(condition) || isInterfaceType(condition))) inner = measure(context, selection.selectionSet, condition, seen);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (!fragment || seen.has(name)) continue; // unknown or cyclic: graphql's own rules report it
      const condition = context.getSchema().getType(fragment.typeCondition.name.value);
      if (condition && (isObjectType(condition) || isInterfaceType(condition))) inner = measure(context, fragment.selectionSet, condition, new Set([...seen, name]));
    }
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  }
  return { depth, cost };
}

export function operationLimitsRule(limits: OperationLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const { depth, cost } = measure(context, operation.selectionSet, root, new Set());
      if (depth > limits.maxDepth) {
        context.reportError(
          new GraphQLError(`The operation nests records ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, {
            nodes: operation,
            extensions: { limit: 'depth', depth, maxDepth: limits.maxDepth },
          }),
        );
      }
      if (cost > limits.maxCost) {
        context.reportError(
          new GraphQLError(`The operation may return about ${cost} records; at most ${limits.maxCost} are allowed. Ask for smaller pages (first/last/limit) or fewer nested lists.`, {
            nodes: operation,
            extensions: { limit: 'cost', cost, maxCost: limits.maxCost },
          }),
        );
      }
    },
  });
}
