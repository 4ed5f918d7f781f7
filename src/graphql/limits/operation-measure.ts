// What an operation asks for, measured in one walk of the document: depth and
// cost in records, and how many aliases and directives it uses.
//
// Depth counts records, not wrappers: `courses { edges { node { courseTerms
// { nodes { id } } } } }` is 2 deep (courses → courseTerms), whether a client
// uses edges/node or nodes. Cost estimates the records an operation may
// return: a connection costs its page size (first/last/limit; none, the
// default page) times what each of its records asks for; a to-one record
// costs 1; scalars are free. Introspection fields (`__schema`, `__type`) add
// no depth or cost. Aliases (other than on `__typename`) and directives are
// counted as written, each time a fragment holding them is spread.
//
// Page sizes are the values execution will see (GraphQL spec §6.4.1
// CoerceArgumentValues): a literal, a passed variable, the variable's declared
// default or the argument's own schema default, so no way of writing a size
// escapes the estimate. @skip/@include are not evaluated: a skipped selection
// still counts, so wrapping a document in @skip(if: true) cannot slip it past
// the limits.
//
// Time is linear in the document: a named fragment is measured once (its
// fields are those of its own type condition, the variables are fixed) and
// reused at every spread. Walking it again at each spread made a chain of
// fragments that each spread the next one twice cost 2^n walks.
import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE as defaultPageSize, MAX_PAGE_SIZE as maxPageSize } from '../../resources/list-policy.js';

export interface Measure {
  depth: number;
  cost: number;
  aliases: number;
  directives: number;
}

/** A type whose fields count (records); introspection types, unions and unknown names only count aliases and directives. */
type Container = GraphQLObjectType | GraphQLInterfaceType;

const zero: Measure = { depth: 0, cost: 0, aliases: 0, directives: 0 };
const pageArguments = ['first', 'last', 'limit'];

const container = (type: unknown): Container | undefined =>
  (isObjectType(type) || isInterfaceType(type)) && !type.name.startsWith('__') ? type : undefined;
const isConnection = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
const isWrapper = (type: GraphQLNamedType) => isConnection(type) || (isObjectType(type) && ((type.name.endsWith('Edge') && 'cursor' in type.getFields()) || type.name === 'PageInfo'));

/** Counts past exact integers only ever exceed a limit; saturating keeps them finite and printable. */
const saturate = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

export function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  return fragments;
}

/**
 * The operation's variables as execution will see them (spec §6.1.2
 * CoerceVariableValues: passed values, else declared defaults); undefined if
 * they cannot be coerced, in which case execution stops with those errors
 * before any resolver runs.
 */
export function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  return getVariableValues(schema, operation.variableDefinitions ?? [], raw, { maxErrors: 1 }).coerced;
}

/** Measures the operations of one document with one set of (coerced) variables; fragment measures are memoised across them. */
export class DocumentMeasure {
  /** `undefined` while a fragment is being measured: a spread of it then is a cycle (graphql's own rules report it). */
  private readonly measured = new Map<string, Measure | undefined>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Readonly<Record<string, unknown>>,
  ) {}

  operation(operation: OperationDefinitionNode): Measure {
    const measure = this.selectionSet(operation.selectionSet, container(this.schema.getRootType(operation.operation)));
    return { ...measure, directives: saturate(measure.directives + (operation.directives?.length ?? 0)) };
  }

  /** `parent` undefined: the fields' types are unknown here, so only aliases and directives count. */
  private selectionSet(selectionSet: SelectionSetNode, parent: Container | undefined): Measure {
    const total = { ...zero };
    for (const selection of selectionSet.selections) {
      const inner =
        selection.kind === Kind.FIELD ? this.field(selection, parent) : selection.kind === Kind.INLINE_FRAGMENT ? this.inlineFragment(selection, parent) : this.spread(selection);
      total.depth = Math.max(total.depth, inner.depth);
      total.cost = saturate(total.cost + inner.cost);
      total.aliases = saturate(total.aliases + inner.aliases);
      total.directives = saturate(total.directives + inner.directives + (selection.directives?.length ?? 0));
    }
    return total;
  }

  private field(selection: FieldNode, parent: Container | undefined): Measure {
    const name = selection.name.value;
    const definition = parent && !name.startsWith('__') ? parent.getFields()[name] : undefined; // unknown fields: reported by graphql's own rules
    const type = definition && getNamedType(definition.type);
    const children = selection.selectionSet ? this.selectionSet(selection.selectionSet, container(type)) : zero;
    const aliased = selection.alias && name !== '__typename' && selection.alias.value !== '__typename' ? 1 : 0;
    const counts = { aliases: saturate(aliased + children.aliases), directives: children.directives };
    if (!parent || !definition || !type) return { depth: 0, cost: 0, ...counts };
    if (isConnection(type)) return { depth: children.depth + 1, cost: saturate(1 + this.pageSize(definition, selection) * children.cost), ...counts };
    if (isWrapper(type)) return { depth: children.depth, cost: children.cost, ...counts }; // edges, pageInfo
    if (isWrapper(parent)) return { depth: children.depth, cost: saturate(children.cost + (isObjectType(type) ? 1 : 0)), ...counts }; // node, nodes: the records
    if (container(type)) return { depth: children.depth + 1, cost: saturate(1 + children.cost), ...counts };
    return { depth: 0, cost: 0, ...counts };
  }

  private inlineFragment(selection: InlineFragmentNode, parent: Container | undefined): Measure {
    const condition = selection.typeCondition ? container(this.schema.getType(selection.typeCondition.name.value)) : parent;
    return this.selectionSet(selection.selectionSet, condition);
  }

  private spread(selection: FragmentSpreadNode): Measure {
    const name = selection.name.value;
    if (this.measured.has(name)) return this.measured.get(name) ?? zero;
    const fragment = this.fragments.get(name);
    if (!fragment) return zero; // unknown: reported by graphql's own rules
    this.measured.set(name, undefined);
    const inner = this.selectionSet(fragment.selectionSet, container(this.schema.getType(fragment.typeCondition.name.value)));
    const measure = { ...inner, directives: saturate(inner.directives + (fragment.directives?.length ?? 0)) };
    this.measured.set(name, measure);
    return measure;
  }

  /** Sizes beyond the maximum are refused by the resolvers; here they count as the maximum. */
  private pageSize(definition: GraphQLField<unknown, unknown>, field: FieldNode): number {
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(definition, field, this.variables);
    } catch {
      return maxPageSize; // arguments graphql will refuse: count the worst
    }
    let size: number | undefined;
    for (const name of pageArguments) {
      const value = args[name];
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, Math.min(value, maxPageSize)));
    }
    return size ?? defaultPageSize;
  }
}
