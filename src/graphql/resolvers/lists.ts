// A list as a connection, at the root (paged by the database) or under a
// record (paged in memory from the batch-loaded related rows).
import type { RequestContext } from '../../resources/request-context.js';
import type { ResourceService, Row } from '../../resources/service.js';
import { listQuery } from '../list-query.js';
import { connection, pageRequest, resolveFromEnd, type Connection } from '../pagination.js';
import type { ListArgs } from '../types/list-args.js';

export async function rootList(service: ResourceService, auth: RequestContext, args: ListArgs): Promise<Connection<Row>> {
  const query = listQuery(service.description, args);
  const request = pageRequest(args);
  let range: { start: number; count: number };
  if (!request.fromEnd) range = request;
  else if (request.before !== undefined) range = resolveFromEnd(request, Number.MAX_SAFE_INTEGER);
  else range = resolveFromEnd(request, await service.count(auth, query));
  // A cursor range can be empty (`first: 5, before: <the first record>`): only the total is asked.
  if (range.count === 0) return connection([], range.start, await service.count(auth, query));
  const page = await service.list(auth, { ...query, offset: range.start, limit: range.count });
  return connection(page.rows, range.start, page.total);
}
