// GraphQL list arguments → the services' ListQuery (the same vocabulary as the
// REST filters), and nothing more: the services check every value.
import { ValidationError, type Problem } from '../errors.js';
import type { ResourceDescription } from '../resources/description.js';
import { resolvePath, type FieldFilter, type FilterValue, type ListQuery } from '../resources/query.js';
import { filterTree, operatorLookups, type FilterNode } from './types/filter-inputs.js';
import type { ListArgs } from './types/list-args.js';
import { SortDirection } from './types/list-args.js';

/** Longest list an `in` condition may carry. */
export const maxInValues = 100;

const trees = new Map<string, FilterNode>();
const treeOf = (d: ResourceDescription) => trees.get(d.name) ?? trees.set(d.name, filterTree(d)).get(d.name)!;

/** Whether a filter path's value can be null (Prisma refuses `equals: null` on a required column). */
function nullable(description: ResourceDescription, path: string): boolean {
  const resolved = resolvePath(description, path);
  return !!resolved && resolved.attribute !== 'id' && resolved.attribute.nullable === true;
}

function collect(description: ResourceDescription, node: FilterNode, input: Record<string, unknown>, filters: FieldFilter[], problems: Problem[]): void {
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    const child = node.children.get(key);
    if (!child) continue; // the schema only lets known fields through
    if (!child.leaf) {
      collect(description, child, value as Record<string, unknown>, filters, problems);
      continue;
    }
    const path = child.leaf.path;
    for (const [op, operand] of Object.entries(value as Record<string, unknown>)) {
      const lookup = operatorLookups[op];
      if (!lookup || operand === undefined) continue;
      const source = { kind: 'filter' as const, name: `${path}.${lookup}` };
      if (operand === null && lookup !== 'exact') {
        problems.push({ detail: `${op} needs a value.`, source });
        continue;
      }
      if (operand === null && !nullable(description, path)) {
        problems.push({ detail: `${path} always has a value; eq: null would match nothing.`, source });
        continue;
      }
      if (Array.isArray(operand) && operand.length > maxInValues) {
        problems.push({ detail: `in takes at most ${maxInValues} values.`, source });
        continue;
      }
      filters.push({ path, lookup, value: operand as FilterValue | FilterValue[] });
    }
  }
}

export function listQuery(description: ResourceDescription, args: ListArgs): ListQuery {
  const filters: FieldFilter[] = [];
  const problems: Problem[] = [];
  if (args.filter) collect(description, treeOf(description), args.filter, filters, problems);
  if (problems.length) throw new ValidationError(problems);
  return {
    filters,
    search: args.search ?? undefined,
    sort: args.sort?.map((s) => ({ field: s.field, descending: s.direction === SortDirection.DESC })),
  };
}
