// The questions both doors ask of a list, in the services' own terms, and
// their translation into a Prisma `where` / `orderBy`.
import { ValidationError, type Problem } from '../errors.js';
import { textOnlyLookups, type AttributeDescription, type Lookup, type ResourceDescription } from './description.js';
import { screenRegexFilter, type RegexAllowance } from './regex-screen.js';
import { resources } from './registry.js';
import { filterValueProblem, searchWords } from './list-policy.js';
import { coerceFilterValue, nullCharacters } from './validation.js';

export type FilterValue = string | number | boolean | Date | null;

export interface FieldFilter {
  /** A filter path of the resource (FilterDescription.path), e.g. "courseTerms.termIdentifier". */
  path: string;
  lookup: Lookup;
  /** One value, or a list for `in`. Strings are parsed by the attribute's type. */
  value: FilterValue | readonly FilterValue[];
}

export interface SortField {
  field: string;
  descending?: boolean;
}

export interface ListQuery {
  filters?: readonly FieldFilter[];
  search?: string;
  sort?: readonly SortField[];
  /** Records to skip (default 0); see list-policy.ts. */
  offset?: number;
  /** The page size (default and maximum: list-policy.ts). */
  limit?: number;
  /** Page-number paging (1-based) instead of `offset`: skips (page - 1) × the page size used. */
  page?: number;
}

export type Where = Record<string, unknown>;

/** Regex filters run as SQL (Prisma has no regex operator): they ask for matching ids. */
export type RegexLookup = (table: string, column: string, pattern: string, source: FieldFilter) => Promise<string[]>;

interface ResolvedPath {
  /** Relation hops from the resource to the leaf model. */
  hops: { field: string; toMany: boolean }[];
  leaf: ResourceDescription;
  attribute: AttributeDescription | 'id';
}

export function resolvePath(description: ResourceDescription, path: string): ResolvedPath | undefined {
  const parts = path.split('.');
  const hops: ResolvedPath['hops'] = [];
  let current = description;
  for (const part of parts.slice(0, -1)) {
    const rel = current.relationships.find((r) => r.field === part);
    if (!rel) return undefined;
    hops.push({ field: rel.field, toMany: rel.toMany });
    current = resources[rel.target];
  }
  const last = parts[parts.length - 1]!;
  const attribute = last === 'id' ? 'id' : current.attributes.find((a) => a.field === last);
  if (!attribute) return undefined;
  return { hops, leaf: current, attribute };
}

/** Wraps a condition on the leaf model in the relation hops that lead to it. */
function nest(hops: ResolvedPath['hops'], leafWhere: Where): Where {
  return hops.reduceRight<Where>((inner, hop) => ({ [hop.field]: hop.toMany ? { some: inner } : { is: inner } }), leafWhere);
}

function condition(lookup: Lookup, value: unknown): Record<string, unknown> {
  switch (lookup) {
    case 'exact':
      return value === null ? { equals: null } : { equals: value };
    case 'iexact':
      return { equals: value, mode: 'insensitive' };
    case 'contains':
      return { contains: value };
    case 'icontains':
      return { contains: value, mode: 'insensitive' };
    case 'in':
      return { in: value };
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return { [lookup]: value };
    case 'regex':
      throw new Error('regex is resolved to ids before this point');
  }
}

/**
 * The `where` of a list query. Regex filters are screened against `allowance`,
 * their request's regex budget (regex-screen.ts), and run only once every
 * filter has passed: a refused request costs the database nothing.
 */
export async function buildWhere(description: ResourceDescription, query: ListQuery, regex: RegexLookup, allowance: RegexAllowance): Promise<Where> {
  const problems: Problem[] = [];
  const and: Where[] = [];
  const regexes: { filter: FieldFilter; resolved: ResolvedPath; pattern: string }[] = [];
  for (const filter of query.filters ?? []) {
    const source = { kind: 'filter' as const, name: `${filter.path}.${filter.lookup}` };
    const allowed = description.filters.find((f) => f.path === filter.path);
    const resolved = allowed && resolvePath(description, filter.path);
    if (!allowed || !resolved) {
      problems.push({ detail: `${filter.path} is not a filterable field of ${description.type}.`, source });
      continue;
    }
    if (!allowed.lookups.includes(filter.lookup)) {
      problems.push({ detail: `The lookup "${filter.lookup}" is not allowed on ${filter.path}; allowed: ${allowed.lookups.join(', ')}.`, source });
      continue;
    }
    // The list policy's null and `in` rules, before any value is read.
    const valueProblem = filterValueProblem(filter.lookup, filter.value, resolved.attribute !== 'id' && resolved.attribute.nullable);
    if (valueProblem) {
      problems.push({ detail: valueProblem, source });
      continue;
    }
    const type = resolved.attribute === 'id' ? 'uuid' : resolved.attribute.type;
    if (textOnlyLookups.includes(filter.lookup) && type !== 'string') {
      problems.push({ detail: `The lookup "${filter.lookup}" applies to text only; ${filter.path} is ${type}.`, source });
      continue;
    }
    try {
      if (filter.lookup === 'regex') {
        const pattern = String(filter.value);
        // Before any database sees it: compiling some patterns takes seconds (see regex-screen.ts).
        const refusal = screenRegexFilter(pattern, allowance);
        if (refusal) throw new ValidationError(refusal, source);
        regexes.push({ filter, resolved, pattern });
        continue;
      }
      const values = Array.isArray(filter.value) ? filter.value : [filter.value];
      if (filter.lookup !== 'in' && values.length !== 1) throw new ValidationError(`The lookup "${filter.lookup}" takes one value.`, source);
      const coerced = values.map((v) => coerceFilterValue(resolved.attribute, v, source));
      const field = resolved.attribute === 'id' ? 'id' : resolved.attribute.field;
      and.push(nest(resolved.hops, { [field]: condition(filter.lookup, filter.lookup === 'in' ? coerced : coerced[0]) }));
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (query.search !== undefined) {
    const words = searchWords(query.search, { kind: 'search' }, problems);
    if (query.search.includes('\0')) problems.push({ detail: nullCharacters, source: { kind: 'search' } });
    for (const word of words.filter((w) => !w.includes('\0'))) {
      and.push({
        OR: description.searchPaths.map((path) => {
          const resolved = resolvePath(description, path)!;
          const field = resolved.attribute === 'id' ? 'id' : resolved.attribute.field;
          return nest(resolved.hops, { [field]: { contains: word, mode: 'insensitive' } });
        }),
      });
    }
  }
  if (problems.length) throw new ValidationError(problems);
  for (const { filter, resolved, pattern } of regexes) {
    const column = resolved.attribute === 'id' ? 'id' : resolved.attribute.column;
    try {
      and.push(nest(resolved.hops, { id: { in: await regex(resolved.leaf.table, column, pattern, filter) } }));
    } catch (error) {
      if (error instanceof ValidationError) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length) throw new ValidationError(problems);
  return and.length ? { AND: and } : {};
}

export function buildOrderBy(description: ResourceDescription, sort: readonly SortField[] = []): Record<string, 'asc' | 'desc'>[] {
  const problems: Problem[] = [];
  const orderBy: Record<string, 'asc' | 'desc'>[] = [];
  for (const { field, descending } of sort) {
    const attribute = description.attributes.find((a) => a.field === field);
    if (field !== 'id' && !attribute?.sortable) {
      problems.push({ detail: `${field} is not a sortable field of ${description.type}.`, source: { kind: 'sort', name: field } });
      continue;
    }
    orderBy.push({ [field]: descending ? 'desc' : 'asc' });
  }
  if (problems.length) throw new ValidationError(problems);
  // A stable tiebreaker, so that pages never overlap or skip rows.
  if (!sort.some((s) => s.field === 'id')) orderBy.push({ id: 'asc' });
  return orderBy;
}
