// Query parameters (JSON:API 1.1 §"Fetching Data" and the demo's filter
// vocabulary) → the questions the services accept (ListQuery), an include
// tree and sparse fieldsets. Every parameter, field, lookup, sort field,
// include path or type that is not known is a 400 naming the parameter. The
// list policy (src/resources/list-policy.ts: page sizes, `in` lists, blank
// search, filters without a value) is the services'; this door reads the
// query string's syntax and the include tree against the same policy.
import { allLookups, type Lookup, type RelationshipDescription, type ResourceDescription } from '../resources/description.js';
import { DEFAULT_PAGE_SIZE, listMessages, MAX_INCLUDE_DEPTH, MAX_INCLUDE_PATHS } from '../resources/list-policy.js';
import type { FieldFilter, ListQuery, SortField } from '../resources/query.js';
import { resourceByType, resources } from '../resources/registry.js';
import { badParameter } from './errors.js';

export { DEFAULT_PAGE_SIZE, MAX_INCLUDE_DEPTH, MAX_PAGE_SIZE } from '../resources/list-policy.js';

export interface IncludeNode {
  rel: RelationshipDescription;
  target: ResourceDescription;
  children: Map<string, IncludeNode>;
}

export interface Page {
  number: number;
  /** As requested; the size used is the service's answer (Page.limit of src/resources/reads.ts). */
  size: number;
}

export interface DocumentParameters {
  /** Relationship field → node, from the primary resource. */
  include: Map<string, IncludeNode>;
  /** JSON:API type → the external names (attributes and relationships) to show. */
  fields: Map<string, Set<string>>;
}

export interface CollectionParameters extends DocumentParameters {
  list: ListQuery;
  page: Page;
  /** "path.lookup" → the query parameter, to name it in errors from the services. */
  filterParameters: Map<string, string>;
}

export type EndpointKind = 'collection' | 'single' | 'relationship';

const parameterName = /^([a-z]+)(?:\[([^\]]*)\])?$/;

/** The query parameters, each given at most once. */
export function readParameters(search: URLSearchParams): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of search) {
    if (params.has(name)) throw badParameter(name, `The query parameter ${name} is given more than once.`);
    params.set(name, value);
  }
  return params;
}

function parseInclude(description: ResourceDescription, value: string): Map<string, IncludeNode> {
  const root = new Map<string, IncludeNode>();
  if (value === '') return root;
  const paths = value.split(',');
  if (paths.length > MAX_INCLUDE_PATHS) throw badParameter('include', listMessages.includeTooWide);
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_INCLUDE_DEPTH) throw badParameter('include', listMessages.includeTooDeep);
    let current = description;
    let level = root;
    for (const [i, segment] of segments.entries()) {
      const rel = current.relationships.find((r) => r.external === segment);
      if (!rel) {
        const at = segments.slice(0, i + 1).join('.');
        throw badParameter(
          'include',
          segment === ''
            ? `The include path "${path}" is empty or has an empty part.`
            : `"${at}" is not a relationship path of ${description.type}: ${current.type} has ${current.relationships.map((r) => r.external).join(', ')}.`,
        );
      }
      let node = level.get(rel.field);
      if (!node) level.set(rel.field, (node = { rel, target: resources[rel.target], children: new Map() }));
      level = node.children;
      current = node.target;
    }
  }
  return root;
}

function parseFields(type: string, value: string): Set<string> {
  const parameter = `fields[${type}]`;
  const description = resourceByType(type);
  if (!description) throw badParameter(parameter, `${type} is not a resource type.`);
  const names = value === '' ? [] : value.split(',');
  for (const name of names) {
    if (!description.attributes.some((a) => a.external === name) && !description.relationships.some((r) => r.external === name)) {
      throw badParameter(parameter, `"${name}" is neither an attribute nor a relationship of ${type}.`);
    }
  }
  return new Set(names);
}

function parseSort(description: ResourceDescription, value: string): SortField[] {
  return value.split(',').map((item) => {
    const descending = item.startsWith('-');
    const name = descending ? item.slice(1) : item;
    if (name === 'id') return { field: 'id', descending };
    const attribute = description.attributes.find((a) => a.external === name);
    if (!attribute?.sortable) {
      const sortable = ['id', ...description.attributes.filter((a) => a.sortable).map((a) => a.external)];
      throw badParameter('sort', `"${name}" is not a sortable field of ${description.type}; sortable: ${sortable.join(', ')}.`);
    }
    return { field: attribute.field, descending };
  });
}

/** A page parameter's syntax (digits); its range is the list policy's, checked by the services. */
function parsePageValue(parameter: string, value: string, message: string): number {
  if (!/^[0-9]{1,9}$/.test(value)) throw badParameter(parameter, message);
  return Number(value);
}

const suffixLookups: readonly Lookup[] = ['gte', 'lte', 'gt', 'lt'];

/** `filter[KEY]` → the filter description and lookup it names. */
function resolveFilter(description: ResourceDescription, key: string): { path: string; lookup: Lookup; lookups: readonly Lookup[] } | undefined {
  const direct = description.filters.find((f) => f.external === key);
  if (direct) return { path: direct.path, lookup: 'exact', lookups: direct.lookups };
  const dot = key.lastIndexOf('.');
  if (dot > 0) {
    const base = description.filters.find((f) => f.external === key.slice(0, dot));
    const lookup = key.slice(dot + 1) as Lookup;
    if (base && allLookups.includes(lookup)) return { path: base.path, lookup, lookups: base.lookups };
  }
  // The demo's alias forms: `filter[course_name_gt]`.
  for (const lookup of suffixLookups) {
    const suffix = `_${lookup}`;
    if (!key.endsWith(suffix)) continue;
    const base = description.filters.find((f) => f.suffixLookups && f.external === key.slice(0, -suffix.length));
    if (base) return { path: base.path, lookup, lookups: base.lookups };
  }
  return undefined;
}

function parseFilter(description: ResourceDescription, key: string, value: string, list: FieldFilter[], names: Map<string, string>): void {
  const parameter = `filter[${key}]`;
  const resolved = resolveFilter(description, key);
  if (!resolved) {
    const known = description.filters.map((f) => f.external).join(', ');
    throw badParameter(parameter, `"${key}" is not a filter of ${description.type}; filters: ${known}, search (lookups: ${allLookups.join(', ')}).`);
  }
  if (!resolved.lookups.includes(resolved.lookup)) {
    throw badParameter(parameter, `The lookup "${resolved.lookup}" is not allowed on this filter; allowed: ${resolved.lookups.join(', ')}.`);
  }
  // An empty value is "no value", as GraphQL's null: the list policy judges it.
  const filterValue: string | string[] | null = value === '' ? null : resolved.lookup === 'in' ? value.split(',') : value;
  const serviceName = `${resolved.path}.${resolved.lookup}`;
  if (names.has(serviceName)) throw badParameter(parameter, `${parameter} repeats the filter ${names.get(serviceName)}.`);
  names.set(serviceName, parameter);
  list.push({ path: resolved.path, lookup: resolved.lookup, value: filterValue });
}

/**
 * Reads the query of an endpoint. A collection (primary or related to-many)
 * takes every parameter; a single resource takes include and fields; a
 * relationship endpoint takes none.
 */
export function parseParameters(description: ResourceDescription, params: Map<string, string>, kind: 'collection'): CollectionParameters;
export function parseParameters(description: ResourceDescription, params: Map<string, string>, kind: EndpointKind): DocumentParameters;
export function parseParameters(description: ResourceDescription, params: Map<string, string>, kind: EndpointKind): CollectionParameters | DocumentParameters {
  const result: CollectionParameters = {
    include: new Map(),
    fields: new Map(),
    list: {},
    page: { number: 1, size: DEFAULT_PAGE_SIZE },
    filterParameters: new Map(),
  };
  const filters: FieldFilter[] = [];
  for (const [name, value] of params) {
    const match = parameterName.exec(name);
    const family = match?.[1];
    const member = match?.[2];
    const allowedHere =
      kind === 'collection' ? ['include', 'fields', 'sort', 'page', 'filter'] : kind === 'single' ? ['include', 'fields'] : [];
    if (!family || !['include', 'fields', 'sort', 'page', 'filter'].includes(family) || (member === undefined) !== (family === 'include' || family === 'sort')) {
      throw badParameter(name, `${name} is not a query parameter of this API (include, fields[TYPE], sort, page[number], page[size], filter[FIELD]).`);
    }
    if (!allowedHere.includes(family)) {
      throw badParameter(name, `${name} does not apply to this endpoint${allowedHere.length ? `; it takes ${allowedHere.join(', ')}` : ''}.`);
    }
    switch (family) {
      case 'include':
        result.include = parseInclude(description, value);
        break;
      case 'fields':
        result.fields.set(member!, parseFields(member!, value));
        break;
      case 'sort':
        result.list.sort = parseSort(description, value);
        break;
      case 'page':
        if (member === 'number') result.page.number = parsePageValue(name, value, listMessages.pageNumber);
        else if (member === 'size') result.page.size = parsePageValue(name, value, listMessages.pageSize);
        else throw badParameter(name, `${name} is not a page parameter; use page[number] and page[size].`);
        break;
      case 'filter':
        if (member === 'search') result.list.search = value;
        else parseFilter(description, member!, value, filters, result.filterParameters);
        break;
    }
  }
  if (filters.length) result.list.filters = filters;
  result.list.limit = result.page.size;
  result.list.page = result.page.number;
  return result;
}
