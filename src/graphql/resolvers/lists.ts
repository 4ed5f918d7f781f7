// A list as a connection, at the root or under a record, paged by the
// database either way: a root list through its service's window, a record's
// related list through the request's loader of related windows (one
// statement for every parent, reading at most each parent's window).
//
// A list runs only the statements its selection needs: the COUNT only
// for totalCount, or to place rows counted from the end (`last` without
// `before`) when their cursors or an `after` bound need positions. Otherwise
// hasNextPage comes from fetching one row more than the page, and `last`'s
// hasPreviousPage from one row more before it. The answers are those of the
// counted page (`connection`), field for field.
import type { RequestContext } from '../../resources/request-context.js';
import type { ResourceService, Row, Window, WindowCall } from '../../resources/service.js';
import { listQuery } from '../list-query.js';
import { connection, connectionOf, neighbours, pageRequest, resolveFromEnd, type Connection, type PageRequest } from '../pagination.js';
import type { ListArgs } from '../types/list-args.js';
import type { ConnectionSelection } from './connection-selection.js';

/** A window of the list being paged (a service's, or one record's related rows through a loader). */
type WindowOf = (call: WindowCall) => Promise<Window>;
type List = { window: WindowOf; wants: ConnectionSelection };

export function rootList(service: ResourceService, auth: RequestContext, args: ListArgs, wants: ConnectionSelection): Promise<Connection<Row>> {
  const query = listQuery(service.description, args);
  return listConnection((call) => service.window(auth, query, call), args, wants);
}

/** The connection of a list given its windows: only the statements the selection needs. */
export async function listConnection(window: WindowOf, args: ListArgs, wants: ConnectionSelection): Promise<Connection<Row>> {
  const list = { window, wants };
  const request = pageRequest(args);
  if (request.fromEnd && request.before === undefined) return lastRows(list, request);
  // With `before`, a from-end range ends there: no total needed to place it.
  return range(list, request.fromEnd ? resolveFromEnd(request, Number.MAX_SAFE_INTEGER) : request);
}

/** Rows [start, start + count) of the list. */
async function range({ window, wants }: List, { start, count }: { start: number; count: number }): Promise<Connection<Row>> {
  if (wants.totalCount) {
    const w = await window({ from: 'start', offset: start, rows: wants.records ? count : 0, total: true });
    const total = w.total!;
    if (wants.records) return connection(w.rows, start, total);
    return connectionOf({ start, total, ...neighbours(start, Math.max(0, Math.min(count, total - start)), total) });
  }
  // Rows are fetched for the page itself, or to learn from them whether the list goes on after or before it.
  const fetch = wants.records || wants.hasNextPage || (wants.hasPreviousPage && start > 0);
  const w = await window({ from: 'start', offset: start, rows: fetch ? count : 0, ahead: wants.hasNextPage });
  let hasPreviousPage: boolean | undefined;
  if (wants.hasPreviousPage) {
    // hasPreviousPage is "start > 0 and the list is not empty"; a row at or after start shows the latter.
    hasPreviousPage = start > 0 && (w.rows.length > 0 || w.more || (await window({ from: 'start', offset: 0, rows: 0, ahead: true })).more);
  }
  return connectionOf({ rows: wants.records ? w.rows : undefined, start, hasNextPage: wants.hasNextPage ? w.more : undefined, hasPreviousPage });
}

/** `last` rows, after an optional cursor, counted back from the end of the list. */
async function lastRows({ window, wants }: List, request: Extract<PageRequest, { fromEnd: true }>): Promise<Connection<Row>> {
  if (wants.totalCount || wants.positions || request.after !== undefined) {
    // Cursors are positions from the start, and `after` bounds the page from the start: both need the total.
    const w = await window({ from: 'end', rows: wants.records ? request.last : 0, total: true });
    const total = w.total!;
    const { start, count } = resolveFromEnd(request, total);
    if (wants.records) return connection(w.rows.slice(Math.max(0, w.rows.length - count)), start, total);
    return connectionOf({ start, total, ...neighbours(start, count, total) });
  }
  // The page ends the list (no next page); there is a previous one when a row lies before it.
  const fetch = wants.records || wants.hasPreviousPage;
  const w = await window({ from: 'end', rows: fetch ? request.last : 0, ahead: wants.hasPreviousPage });
  return connectionOf({ rows: wants.records ? w.rows : undefined, hasNextPage: false, hasPreviousPage: wants.hasPreviousPage ? w.more : undefined });
}
