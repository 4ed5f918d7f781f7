// What a query asks of a connection, read from the resolve info, so a list
// runs only the statements its answer needs (no COUNT without totalCount).
// Fields are found as execution will find them (GraphQL spec §6.3.2
// CollectFields): through fragment spreads and inline fragments, under any
// alias, in every field node merged into the response key, and skipping
// selections @skip/@include leave out for these variables.
import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

export interface ConnectionSelection {
  totalCount: boolean;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** edges or nodes, or startCursor/endCursor (which are those of the first and last record). */
  records: boolean;
  /** Cursors: edges' cursor, startCursor, endCursor (a cursor is a record's position in the list). */
  positions: boolean;
}

type Fields = Map<string, SelectionSetNode[]>;

function included(node: SelectionNode, variables: GraphQLResolveInfo['variableValues']): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/**
 * The fields of selection sets by name (aliases do not matter here), with their sub-selections.
 * A named fragment is walked once per level however often it is spread (its fields are the same
 * each time), so fragment chains stay linear.
 */
function collect(sets: readonly (SelectionSetNode | undefined)[], fragments: Record<string, FragmentDefinitionNode>, variables: GraphQLResolveInfo['variableValues']): Fields {
  const fields: Fields = new Map();
  const walked = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const node of set?.selections ?? []) {
      if (!included(node, variables)) continue;
      if (node.kind === Kind.FIELD) {
        const subs = fields.get(node.name.value) ?? fields.set(node.name.value, []).get(node.name.value)!;
        if (node.selectionSet) subs.push(node.selectionSet);
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        walk(node.selectionSet);
      } else if (!walked.has(node.name.value)) {
        walked.add(node.name.value);
        walk(fragments[node.name.value]?.selectionSet);
      }
    }
  };
  sets.forEach(walk);
  return fields;
}

/** What the connection field being resolved asks for. */
export function connectionSelection(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>): ConnectionSelection {
  const { fragments, variableValues: variables } = info;
  const connection = collect(
    info.fieldNodes.map((f) => f.selectionSet),
    fragments,
    variables,
  );
  const pageInfo = collect(connection.get('pageInfo') ?? [], fragments, variables);
  const edges = collect(connection.get('edges') ?? [], fragments, variables);
  const ends = pageInfo.has('startCursor') || pageInfo.has('endCursor');
  return {
    totalCount: connection.has('totalCount'),
    hasNextPage: pageInfo.has('hasNextPage'),
    hasPreviousPage: pageInfo.has('hasPreviousPage'),
    records: connection.has('edges') || connection.has('nodes') || ends,
    positions: edges.has('cursor') || ends,
  };
}
