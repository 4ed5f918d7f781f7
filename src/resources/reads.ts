// Reading a resource: lists under the list policy (list-policy.ts), one
// record, many by id, related records of many parents in one query, and
// linkage. Each read asks the policy for its operation (operations.ts) first.
import { NotFoundError, ValidationError, type Problem } from '../errors.js';
import type { RelationshipDescription } from './description.js';
import { mapDatabaseError } from './database-errors.js';
import { pageNumberOffset, pageOffset, pageSize, refuse, type ListOptions } from './list-policy.js';
import { operationFor } from './operations.js';
import { buildOrderBy, buildWhere, type FieldFilter, type ListQuery, type Where } from './query.js';
import { byIdsStatement, byIdStatement, pageStatement, relatedStatement } from './sql-reads.js';
import { regexAllowance } from './regex-screen.js';
import type { RequestContext } from './request-context.js';
import type { Linkage, ResourceStore, Row } from './sql.js';
import { fieldMessages, isUuid } from './validation.js';
import { allOf, guardHops, refuseHidden, rowRule, visibleTo, withoutHidden } from './row-access.js';

export interface Page {
  rows: Row[];
  total: number;
  /** The page size used (the list policy's default, or the request's, capped where the door asked for that). */
  limit: number;
  /** Records skipped before the page. */
  offset: number;
}

/**
 * A part of a list for a door that pages by position (GraphQL's connections):
 * `rows` rows from `offset` (`from: 'start'`) or the last `rows` rows
 * (`from: 'end'`); `ahead` also tells whether one more row lies beyond them
 * (after them from the start, before them from the end), which is how a door
 * knows there is another page without counting; `total` counts the list.
 */
export interface WindowCall {
  from: 'start' | 'end';
  offset?: number;
  rows: number;
  ahead?: boolean;
  total?: boolean;
}

export interface Window {
  rows: Row[];
  /** One more row lies beyond `rows` (asked with `ahead`). */
  more: boolean;
  /** The list's length (asked with `total`). */
  total?: number;
}

export interface ListCall extends ListOptions {
  /** Only rows within one parent's relationship (the related endpoint). */
  within?: Where;
}

export const notARelationship = (store: ResourceStore, field: string) =>
  new ValidationError(fieldMessages.notARelationship(field, store.description.type), { kind: 'relationship', name: field });

export const notFound = (store: ResourceStore, id: string) => new NotFoundError(fieldMessages.notFound(store.description.label, [id]), { kind: 'id' });

export class ResourceReads {
  constructor(
    private readonly store: ResourceStore,
    private readonly reads: (store: ResourceStore) => ResourceReads,
  ) {}

  private relationship(field: string): RelationshipDescription {
    const rel = this.store.relationship(field);
    if (!rel) throw notARelationship(this.store, field);
    return rel;
  }

  /**
   * The `where` of a list: filters and search, optionally within one parent's
   * relationship. Its regex filters draw on the regex budget of `ctx`'s
   * request, which every list of the request shares.
   */
  async where(ctx: RequestContext, query: ListQuery, within?: Where): Promise<Where> {
    const lookup = (table: string, column: string, pattern: string, filter: FieldFilter) => this.regexIds(ctx, table, column, pattern, filter);
    refuseHidden(ctx, this.store.description, query);
    const where = await buildWhere(this.store.description, query, lookup, regexAllowance(ctx));
    // The policy's row rule on the rows themselves and on every row a filter reaches (row-access.ts).
    if (ctx.rules) return allOf(guardHops(this.store.description, where, ctx.rules), rowRule(ctx, this.store.description.name), within) ?? {};
    return within ? { AND: [where, within] } : where;
  }

  /** A page of the list: the list policy's page size (options: the door's), filters, search and sort. */
  async list(ctx: RequestContext, query: ListQuery = {}, call: ListCall = {}): Promise<Page> {
    ctx.authorize(operationFor('list'));
    const problems: Problem[] = [];
    const limit = pageSize(query.limit, { kind: 'page', name: 'limit' }, problems, call);
    const offset =
      query.page !== undefined
        ? pageNumberOffset(query.page, limit, { kind: 'page', name: 'page' }, problems)
        : pageOffset(query.offset, { kind: 'page', name: 'offset' }, problems);
    refuse(problems);
    const where = await this.where(ctx, query, call.within);
    const orderBy = buildOrderBy(this.store.description, query.sort);
    const rows = await this.store.query(ctx, pageStatement(this.store.description, { where, orderBy, offset, take: limit, count: true, visible: visibleTo(ctx) }));
    const { total, rows: page } = counted(rows);
    return { rows: withoutHidden(ctx, this.store.description.name, page), total, limit, offset };
  }

  /**
   * A window of the list (see WindowCall), running only the statements asked
   * for: none for the rows when `rows` is 0 and nothing lies ahead, and the
   * COUNT only with `total`. Filters and sort are checked whatever is asked.
   */
  async window(ctx: RequestContext, query: ListQuery, call: WindowCall): Promise<Window> {
    ctx.authorize(operationFor('list'));
    const { rows, offset } = windowBounds(call);
    const where = await this.where(ctx, query);
    const orderBy = buildOrderBy(this.store.description, query.sort);
    const take = rows + (call.ahead ? 1 : 0);
    if (take === 0 && !call.total) return { rows: [], more: false };
    const fromEnd = call.from === 'end';
    const fetched = await this.store.query(ctx, pageStatement(this.store.description, { where, orderBy, offset: fromEnd ? 0 : offset, take, fromEnd, count: call.total, visible: visibleTo(ctx) }));
    const { total, rows: read } = counted(fetched);
    return windowOf(withoutHidden(ctx, this.store.description.name, read), rows, fromEnd, call.total ? total : undefined);
  }

  async get(ctx: RequestContext, id: string): Promise<Row> {
    ctx.authorize(operationFor('get'));
    // A row the rule hides is not found: its existence does not leak.
    const row = isUuid(id) ? (await this.store.query(ctx, byIdStatement(this.store.description, id, rowRule(ctx, this.store.description.name), visibleTo(ctx))))[0] : undefined;
    if (!row) throw notFound(this.store, id);
    return withoutHidden(ctx, this.store.description.name, [row])[0]!;
  }

  /** Rows by id, in no particular order; unknown ids are left out (for loaders). */
  async getMany(ctx: RequestContext, ids: readonly string[]): Promise<Row[]> {
    ctx.authorize(operationFor('get'));
    const valid = [...new Set(ids.filter(isUuid))];
    if (!valid.length) return [];
    return withoutHidden(ctx, this.store.description.name, await this.store.query(ctx, byIdsStatement(this.store.description, valid, rowRule(ctx, this.store.description.name), visibleTo(ctx))));
  }

  /**
   * The related rows of many parents in one query: parent id → rows of the
   * relationship's target, filtered and sorted by `query` (no paging).
   */
  async related(ctx: RequestContext, field: string, parentIds: readonly string[], query: ListQuery = {}): Promise<Map<string, Row[]>> {
    ctx.authorize(operationFor('related'));
    const rel = this.relationship(field);
    const target = this.store.of(rel.target);
    const ids = [...new Set(parentIds.filter(isUuid))];
    const result = new Map<string, Row[]>(ids.map((id) => [id, []]));
    if (!ids.length) return result;
    const where = await this.reads(target).where(ctx, query);
    const orderBy = buildOrderBy(target.description, query.sort);
    const rows = await this.store.query(ctx, relatedStatement(this.store.description, { rel, parentIds: ids, where, orderBy, visible: visibleTo(ctx) }));
    for (const row of withoutHidden(ctx, target.description.name, rows)) {
      const parent = row.__parent as string;
      delete row.__parent;
      result.get(parent)?.push(row);
    }
    return result;
  }

  /**
   * A window of the related rows of each of many parents (see WindowCall), in
   * one statement that reads at most the window of each parent: parent id →
   * its window. Counts per parent only with `total`.
   */
  async relatedWindow(ctx: RequestContext, field: string, parentIds: readonly string[], query: ListQuery, call: WindowCall): Promise<Map<string, Window>> {
    ctx.authorize(operationFor('related'));
    const { rows, offset } = windowBounds(call);
    const rel = this.relationship(field);
    const target = this.store.of(rel.target);
    const ids = [...new Set(parentIds.filter(isUuid))];
    const result = new Map<string, Window>();
    const where = await this.reads(target).where(ctx, query);
    const orderBy = buildOrderBy(target.description, query.sort);
    const take = rows + (call.ahead ? 1 : 0);
    if (!ids.length) return result;
    if (take === 0 && !call.total) {
      for (const id of ids) result.set(id, { rows: [], more: false });
      return result;
    }
    const fromEnd = call.from === 'end';
    const fetched = await this.store.query(ctx, relatedStatement(this.store.description, { rel, parentIds: ids, where, orderBy, offset: fromEnd ? 0 : offset, take, fromEnd, count: call.total, visible: visibleTo(ctx) }));
    const byParent = new Map<string, Row[]>(ids.map((id) => [id, []]));
    for (const row of withoutHidden(ctx, target.description.name, fetched)) byParent.get(row.__parent as string)!.push(row);
    for (const [id, parentRows] of byParent) {
      for (const row of parentRows) delete row.__parent;
      const { total, rows: read } = counted(parentRows);
      result.set(id, windowOf(read, rows, fromEnd, call.total ? total : undefined));
    }
    return result;
  }

  /** One parent's related rows, paged: the related endpoint (/v1/courses/ID/course_terms). */
  async relatedPage(ctx: RequestContext, id: string, field: string, query: ListQuery = {}, options: ListOptions = {}): Promise<Page> {
    await this.get(ctx, id);
    const rel = this.relationship(field);
    const target = this.store.of(rel.target);
    return this.reads(target).list(ctx, query, { ...options, within: inverseCondition(this.store.inverse(rel), [id]) });
  }

  /**
   * Resource linkage of many rows: id → relationship field → id(s), in one
   * SQL query whatever the number of rows and relationships.
   */
  async linkage(ctx: RequestContext, ids: readonly string[], fields: readonly string[]): Promise<Map<string, Linkage>> {
    ctx.authorize(operationFor('related'));
    const rels = fields.map((f) => this.relationship(f));
    return this.store.linkage([...new Set(ids.filter(isUuid))], rels, ctx);
  }

  /** Ids of rows whose column matches a POSIX regular expression (PostgreSQL `~`). */
  private async regexIds(ctx: RequestContext, table: string, column: string, pattern: string, filter: FieldFilter): Promise<string[]> {
    try {
      return await this.store.regexIds(ctx, table, column, pattern);
    } catch (error) {
      const mapped = mapDatabaseError(this.store.description, error);
      if (mapped !== error) throw mapped;
      throw new ValidationError(`"${pattern}" is not a valid regular expression.`, { kind: 'filter', name: `${filter.path}.regex` });
    }
  }
}

/** A `where` on the target model: rows related to one of these parents. */
function inverseCondition(inverse: RelationshipDescription, parentIds: readonly string[]): Where {
  if (inverse.foreignKey) return { [inverse.foreignKey]: { in: parentIds } };
  return { [inverse.field]: inverse.toMany ? { some: { id: { in: parentIds } } } : { is: { id: { in: parentIds } } } };
}

/** Rows of a counted statement (pageStatement, relatedStatement with `count`): the count, and the rows without it (an empty page is one row of nulls). */
function counted(rows: Row[]): { total: number; rows: Row[] } {
  let total = 0;
  const kept: Row[] = [];
  for (const row of rows) {
    if ('__total' in row) {
      total = row.__total as number;
      delete row.__total;
    }
    if (row.id !== null && row.id !== undefined) kept.push(row);
  }
  return { total, rows: kept };
}

/** A window from the rows read: `rows` of them, and whether one more lay beyond (read from the end: before them, and in reverse order). */
function windowOf(read: Row[], rows: number, fromEnd: boolean, total: number | undefined): Window {
  const more = read.length > rows;
  const kept = more ? read.slice(0, rows) : read;
  if (fromEnd) kept.reverse();
  return { rows: kept, more, ...(total === undefined ? {} : { total }) };
}

/** A window's rows and offset under the list policy, refused (400) when out of bounds. */
function windowBounds(call: WindowCall): { rows: number; offset: number } {
  const problems: Problem[] = [];
  // 0 rows is a window's "no rows, only the total or what lies ahead"; otherwise a page size of the policy.
  const rows = call.rows === 0 ? 0 : pageSize(call.rows, { kind: 'page', name: 'limit' }, problems);
  const offset = call.from === 'start' ? pageOffset(call.offset, { kind: 'page', name: 'offset' }, problems) : 0;
  refuse(problems);
  return { rows, offset };
}
