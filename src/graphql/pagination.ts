// Connection pagination over the services' offset/limit paging. A cursor is
// the record's position in the sorted list, opaque to clients; page-number
// clients use offset/limit on the same lists instead.
// Page sizes and offsets follow the one list policy (src/resources/list-policy.ts).
import { ValidationError, type Problem } from '../errors.js';
import { DEFAULT_PAGE_SIZE, pageOffset, pageSize } from '../resources/list-policy.js';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  offset?: number | null;
  limit?: number | null;
}

/** The rows wanted, as a range of positions; a `fromEnd` range without `before` is placed by the total. */
export type PageRequest =
  | { fromEnd: false; start: number; count: number }
  | { fromEnd: true; last: number; after?: number; before?: number };

const prefix = 'position:';

export function encodeCursor(position: number): string {
  return Buffer.from(`${prefix}${position}`).toString('base64url');
}

function decodeCursor(cursor: string, name: string, problems: Problem[]): number | undefined {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const position = text.startsWith(prefix) && /^\d{1,9}$/.test(text.slice(prefix.length)) ? Number(text.slice(prefix.length)) : undefined;
  if (position === undefined) problems.push({ detail: `${JSON.stringify(cursor)} is not a cursor of this list.`, source: { kind: 'page', name } });
  return position;
}

/** A page size argument under the list policy; undefined when not given. */
function size(value: number | null | undefined, name: string, problems: Problem[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  return pageSize(value, { kind: 'page', name }, problems);
}

export function pageRequest(args: PageArgs): PageRequest {
  const problems: Problem[] = [];
  const cursorStyle = [args.first, args.after, args.last, args.before].some((v) => v !== undefined && v !== null);
  const numberStyle = [args.offset, args.limit].some((v) => v !== undefined && v !== null);
  if (cursorStyle && numberStyle) {
    throw new ValidationError('Use either first/after/last/before or offset/limit, not both.', { kind: 'page', name: 'offset' });
  }
  if (numberStyle) {
    const limit = size(args.limit, 'limit', problems) ?? DEFAULT_PAGE_SIZE;
    const offset = pageOffset(args.offset, { kind: 'page', name: 'offset' }, problems);
    if (problems.length) throw new ValidationError(problems);
    return { fromEnd: false, start: offset, count: limit };
  }
  const first = size(args.first, 'first', problems);
  const last = size(args.last, 'last', problems);
  const after = args.after != null ? decodeCursor(args.after, 'after', problems) : undefined;
  const before = args.before != null ? decodeCursor(args.before, 'before', problems) : undefined;
  if (first !== undefined && last !== undefined) problems.push({ detail: 'Give first or last, not both.', source: { kind: 'page', name: 'last' } });
  if (problems.length) throw new ValidationError(problems);
  const start = after === undefined ? 0 : after + 1;
  if (last !== undefined) return { fromEnd: true, last, after, before };
  const count = Math.min(first ?? DEFAULT_PAGE_SIZE, before === undefined ? Infinity : Math.max(0, before - start));
  return { fromEnd: false, start, count };
}

/** A from-end request, once the total is known, as a plain range. */
export function resolveFromEnd(request: Extract<PageRequest, { fromEnd: true }>, total: number): { start: number; count: number } {
  const end = Math.min(request.before ?? total, total);
  const floor = request.after === undefined ? 0 : request.after + 1;
  const start = Math.max(floor, end - request.last);
  return { start, count: Math.max(0, end - start) };
}

/**
 * A page as the connection type shows it. A list fetches only what the query
 * selects (./resolvers/connection-selection.ts), so a fact it was not asked
 * for is left undefined: read anyway, it would be a null the schema refuses,
 * never a wrong value.
 */
export interface Connection<T> {
  edges?: { cursor?: string; node: T }[];
  nodes?: T[];
  pageInfo: { hasNextPage?: boolean; hasPreviousPage?: boolean; startCursor?: string | null; endCursor?: string | null };
  totalCount?: number;
}

/** What is known of a page: its rows, the position of the first one, the list's total, its neighbours. */
export interface PageFacts<T> {
  rows?: readonly T[];
  start?: number;
  total?: number;
  hasNextPage?: boolean;
  hasPreviousPage?: boolean;
}

export function connectionOf<T>({ rows, start, total, hasNextPage, hasPreviousPage }: PageFacts<T>): Connection<T> {
  const cursor = (i: number) => (start === undefined ? undefined : encodeCursor(start + i));
  const edges = rows?.map((node, i) => ({ cursor: cursor(i), node }));
  return {
    edges,
    nodes: rows && [...rows],
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: rows && (rows.length ? cursor(0) : null),
      endCursor: rows && (rows.length ? cursor(rows.length - 1) : null),
    },
    totalCount: total,
  };
}

/** Whether a page of `size` rows from `start` has neighbours, given the list's total. */
export const neighbours = (start: number, size: number, total: number) => ({ hasNextPage: start + size < total, hasPreviousPage: start > 0 && total > 0 });

/** A page with everything known (its rows and the list's total). */
export function connection<T>(rows: readonly T[], start: number, total: number): Connection<T> {
  return connectionOf({ rows, start, total, ...neighbours(start, rows.length, total) });
}
