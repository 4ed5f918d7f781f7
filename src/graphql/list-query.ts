// GraphQL list arguments → the services' ListQuery (the same vocabulary as the
// REST filters), and nothing more: the services apply the list policy
// (src/resources/list-policy.ts) and check every value. A null operand is
// passed on as "no value" for the policy to judge (eq: null on a field that
// can be empty asks for records without one).
import type { ResourceDescription } from '../resources/description.js';
import type { FieldFilter, FilterValue, ListQuery } from '../resources/query.js';
import { filterTree, operatorLookups, type FilterNode } from './types/filter-inputs.js';
import type { ListArgs } from './types/list-args.js';
import { SortDirection } from './types/list-args.js';

const trees = new Map<string, FilterNode>();
const treeOf = (d: ResourceDescription) => trees.get(d.name) ?? trees.set(d.name, filterTree(d)).get(d.name)!;

function collect(node: FilterNode, input: Record<string, unknown>, filters: FieldFilter[]): void {
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    const child = node.children.get(key);
    if (!child) continue; // the schema only lets known fields through
    if (!child.leaf) {
      collect(child, value as Record<string, unknown>, filters);
      continue;
    }
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      const lookup = operatorLookups[op];
      if (!lookup || operand === undefined) continue;
      filters.push({ path: child.leaf.path, lookup, value: operand as FilterValue | FilterValue[] });
    }
  }
}

export function listQuery(description: ResourceDescription, args: ListArgs): ListQuery {
  const filters: FieldFilter[] = [];
  if (args.filter) collect(treeOf(description), args.filter, filters);
  return {
    filters,
    search: args.search ?? undefined,
    sort: args.sort?.map((s) => ({ field: s.field, descending: s.direction === SortDirection.DESC })),
  };
}
