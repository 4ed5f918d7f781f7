// JSON:API Atomic Operations (https://jsonapi.org/ext/atomic) at
// POST /v1/operations: the operations document translated into the services'
// operations and run all or nothing by the atomic use case
// (src/resources/atomic.ts), answered with `atomic:results` in order.
//
// Translation only. The door's part of the extension is its vocabulary:
// - `op` add/update/remove, aimed by `ref` ({ type, id | lid, relationship })
//   or `href` (a URL of this API), at a resource or a relationship;
// - local ids: an added resource's `lid` gets a server-made UUID when the
//   operation is read, so every later `ref` or resource identifier naming it
//   names that id (the services take client-generated ids); a `lid` no
//   earlier operation added is a 400 at its pointer;
// - errors: every error object's `source.pointer` starts with
//   `/atomic:operations/N` (N counted from 0), the operation that failed.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { RequestContext } from '../auth/types.js';
import { AtomicOperationError, type AtomicOperation, type AtomicWrites } from '../resources/atomic.js';
import type { RelationshipDescription, ResourceDescription } from '../resources/description.js';
import type { WriteKind } from '../resources/operations.js';
import { resourceByType, resourceList, resources } from '../resources/registry.js';
import type { Services } from '../resources/service.js';
import { CompoundBuilder, type Serializers } from './compound.js';
import { matchEndpoint } from './endpoints.js';
import { BODY_LIMIT, errorResponse, internalError, JsonApiError, type ErrorObject, type ErrorResponse, type ErrorScope } from './errors.js';
import { ATOMIC_EXT, ATOMIC_MEDIA_TYPE, checkAccept, checkContentType } from './negotiation.js';
import { parseParameters, readParameters } from './parameters.js';
import { readRelationshipDocument, readResourceDocument } from './request-documents.js';
import { send } from './responses.js';
import { refusalsAs403 } from './routes.js';
import { ResourceSerializer } from './serializer.js';

/** The path of the endpoint, under the server's address. */
export const OPERATIONS_PATH = '/v1/operations';

/** The `jsonapi` member of this endpoint's documents: the version and the extension applied. */
export const ATOMIC_JSONAPI = { version: '1.1', ext: [ATOMIC_EXT] } as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const base = (index: number) => `/atomic:operations/${index}`;
const bad = (pointer: string, detail: string) => new JsonApiError(400, 'invalid_document', detail, { pointer });
const conflict = (pointer: string, detail: string) => new JsonApiError(409, 'conflict', detail, { pointer });

const operationMembers = ['op', 'ref', 'href', 'data', 'meta'];
const refMembers = ['type', 'id', 'lid', 'relationship', 'meta'];

/** Where an operation aims: a resource collection, one resource, or one relationship of a resource. */
interface Target {
  description: ResourceDescription;
  id?: string;
  rel?: RelationshipDescription;
  /** The pointer of what named the target (`…/ref` or `…/href`), for errors about it. */
  pointer?: string;
}

/** One operation read: the services' operation, what it is, and how to name its problems. */
interface ReadOperation {
  operation: AtomicOperation;
  kind: WriteKind;
  scope: ErrorScope;
  /** The add's lid, echoed in its result's meta. */
  lid?: string;
  /** Pointer for problems without a member of their own (an id in `ref`, …). */
  pointer: string;
}

/** Local ids of resources added by earlier operations: "type lid" → the id made for it. */
class LocalIds {
  private readonly ids = new Map<string, string>();
  add(type: string, lid: string, pointer: string): string {
    const key = `${type} ${lid}`;
    if (this.ids.has(key)) throw bad(pointer, `The lid ${JSON.stringify(lid)} already names a ${type} resource added by an earlier operation.`);
    const id = randomUUID();
    this.ids.set(key, id);
    return id;
  }
  resolve(type: string, lid: unknown, pointer: string): string {
    if (typeof lid !== 'string') throw bad(pointer, 'The "lid" must be a string.');
    const id = this.ids.get(`${type} ${lid}`);
    if (!id) throw bad(pointer, `The lid ${JSON.stringify(lid)} names no ${type} resource added by an earlier operation of this request.`);
    return id;
  }
}

/** A resource identifier `{ type, lid }` → `{ type, id }` (the lid's id); anything else unchanged. */
function resolveIdentifier(value: unknown, pointer: string, lids: LocalIds): unknown {
  if (!isObject(value) || value.id !== undefined || value.lid === undefined || typeof value.type !== 'string') return value;
  const { lid, ...rest } = value;
  return { ...rest, id: lids.resolve(value.type, lid, `${pointer}/lid`) };
}

/** Linkage (one identifier, null or an array) with its lids resolved. */
function resolveLinkage(data: unknown, pointer: string, lids: LocalIds): unknown {
  return Array.isArray(data) ? data.map((item, i) => resolveIdentifier(item, `${pointer}/${i}`, lids)) : resolveIdentifier(data, pointer, lids);
}

/** A resource object's relationships with their lids resolved. */
function resolveRelationships(data: Json, pointer: string, lids: LocalIds): Json {
  if (!isObject(data.relationships)) return data;
  const relationships: Json = {};
  for (const [name, value] of Object.entries(data.relationships)) {
    relationships[name] = isObject(value) && 'data' in value ? { ...value, data: resolveLinkage(value.data, `${pointer}/relationships/${name}/data`, lids) } : value;
  }
  return { ...data, relationships };
}

function descriptionOf(type: unknown, pointer: string): ResourceDescription {
  if (typeof type !== 'string') throw bad(pointer, 'Expected a "type" string.');
  const d = resourceByType(type);
  if (!d) throw bad(pointer, `${type} is not a resource type; types: ${resourceList.map((r) => r.type).join(', ')}.`);
  return d;
}

function relationshipOf(d: ResourceDescription, name: unknown, pointer: string): RelationshipDescription {
  if (typeof name !== 'string') throw bad(pointer, 'The "relationship" must be a string.');
  const rel = d.relationships.find((r) => r.external === name);
  if (!rel) throw bad(pointer, `${name} is not a relationship of ${d.type}; it has ${d.relationships.map((r) => r.external).join(', ')}.`);
  return rel;
}

/** The operation's `ref` → its target. */
function readRef(ref: unknown, pointer: string, lids: LocalIds): Target {
  if (!isObject(ref)) throw bad(pointer, 'The "ref" must be an object: { "type", "id" or "lid", "relationship" }.');
  for (const key of Object.keys(ref)) if (!refMembers.includes(key)) throw bad(`${pointer}/${key}`, `"${key}" is not a member of a ref.`);
  const description = descriptionOf(ref.type, `${pointer}/type`);
  if (ref.id !== undefined && ref.lid !== undefined) throw bad(pointer, 'A ref names its resource by "id" or by "lid", not both.');
  let id: string | undefined;
  if (ref.id !== undefined) {
    if (typeof ref.id !== 'string') throw bad(`${pointer}/id`, 'The "id" must be a string.');
    id = ref.id;
  } else if (ref.lid !== undefined) id = lids.resolve(description.type, ref.lid, `${pointer}/lid`);
  const rel = ref.relationship === undefined ? undefined : relationshipOf(description, ref.relationship, `${pointer}/relationship`);
  if (rel && id === undefined) throw bad(pointer, 'A ref to a relationship names its resource by "id" or "lid".');
  return { description, ...(id !== undefined ? { id } : {}), ...(rel ? { rel } : {}), pointer };
}

/** The operation's `href` (a URL of this API: a collection, a resource or a relationship) → its target. */
function readHref(href: unknown, pointer: string, publicUrl: string): Target {
  if (typeof href !== 'string') throw bad(pointer, 'The "href" must be a string.');
  let url: URL;
  try {
    url = new URL(href, `${publicUrl}${OPERATIONS_PATH}`);
  } catch {
    throw bad(pointer, `${href} is not a URL.`);
  }
  const path = url.pathname.replace(/\/$/, '');
  const endpoint = url.origin === new URL(publicUrl).origin && path.startsWith('/v1/') ? matchEndpoint(path.slice(4).split('/').map(decodeURIComponent)) : undefined;
  if (!endpoint || endpoint.kind === 'related') throw bad(pointer, `${href} is not a resource collection, resource or relationship URL of this API.`);
  const description = descriptionOf(endpoint.type, pointer);
  if (endpoint.kind === 'collection') return { description, pointer };
  if (endpoint.kind === 'resource') return { description, id: endpoint.id, pointer };
  return { description, id: endpoint.id, rel: relationshipOf(description, endpoint.rel, pointer), pointer };
}

/** Reads operation `index` into the services' terms, checking its shape; lids added by it are recorded. */
function readOperation(value: unknown, index: number, lids: LocalIds, publicUrl: string): ReadOperation {
  const at = base(index);
  if (!isObject(value)) throw bad(at, 'An operation must be an object with an "op" member.');
  for (const key of Object.keys(value)) if (!operationMembers.includes(key)) throw bad(`${at}/${key}`, `"${key}" is not a member of an operation object.`);
  const op = value.op;
  if (op !== 'add' && op !== 'update' && op !== 'remove') throw bad(`${at}/op`, 'The "op" must be "add", "update" or "remove".');
  if (value.ref !== undefined && value.href !== undefined) throw bad(at, 'An operation takes a "ref" or an "href", not both.');
  const target =
    value.ref !== undefined ? readRef(value.ref, `${at}/ref`, lids) : value.href !== undefined ? readHref(value.href, `${at}/href`, publicUrl) : undefined;

  // A relationship: add to / replace / remove from it; `data` is its linkage.
  if (target?.rel) {
    const rel = target.rel;
    if (!('data' in value)) throw bad(`${at}/data`, 'An operation on a relationship needs "data": its linkage.');
    if (op !== 'update' && !rel.toMany) throw bad(`${at}/op`, `${rel.external} is a to-one relationship: replace it with "update".`);
    const linkage = readRelationshipDocument({ data: resolveLinkage(value.data, `${at}/data`, lids) }, rel);
    const kind: WriteKind = op === 'add' ? 'add' : op === 'update' ? 'replace' : 'remove';
    return {
      operation: { kind, resource: target.description.name, id: target.id!, field: rel.field, value: linkage },
      kind,
      scope: { description: target.description, relationshipBody: true },
      pointer: target.pointer ?? at,
    };
  }

  if (op === 'remove') {
    if (!target) throw bad(at, 'A "remove" needs a "ref" (or "href") naming the resource or relationship.');
    if (target.id === undefined) throw bad(target.pointer ?? at, 'A "remove" of a resource names it by "id" or "lid".');
    if (value.data !== undefined) throw bad(`${at}/data`, 'A "remove" of a resource takes no "data".');
    return { operation: { kind: 'delete', resource: target.description.name, id: target.id }, kind: 'delete', scope: { description: target.description }, pointer: target.pointer ?? at };
  }

  // A resource: add (create) or update; `data` is the resource object.
  const data = value.data;
  if (!isObject(data)) throw bad(`${at}/data`, `An "${op}" of a resource needs "data": a resource object.`);
  const description = target?.description ?? descriptionOf(data.type, `${at}/data/type`);
  if (typeof data.type === 'string' && data.type !== description.type) {
    throw conflict(`${at}/data/type`, `The type "${data.type}" does not match the target's type "${description.type}".`);
  }
  let resolved = resolveRelationships(data, '/data', lids);
  if (op === 'add') {
    if (target?.id !== undefined) throw bad(target.pointer ?? at, 'An "add" of a resource aims at its collection: a ref without "id" or "lid".');
    let lid: string | undefined;
    if (data.lid !== undefined && data.id === undefined) {
      if (typeof data.lid !== 'string') throw bad(`${at}/data/lid`, 'The "lid" must be a string.');
      lid = data.lid;
      const { lid: _lid, ...rest } = resolved;
      void _lid;
      resolved = { ...rest, id: lids.add(description.type, lid, `${at}/data/lid`) };
    }
    const input = readResourceDocument({ data: resolved }, description, 'create');
    return { operation: { kind: 'create', resource: description.name, input }, kind: 'create', scope: { description, idInBody: true }, ...(lid !== undefined ? { lid } : {}), pointer: at };
  }
  // update: the resource is named by data's id or lid, and by the ref (if any) alike.
  let id: string | undefined;
  if (data.id !== undefined) id = typeof data.id === 'string' ? data.id : undefined;
  else if (data.lid !== undefined) id = lids.resolve(description.type, data.lid, `${at}/data/lid`);
  if (data.id !== undefined && typeof data.id !== 'string') throw bad(`${at}/data/id`, 'The "id" must be a string.');
  if (id === undefined) throw bad(`${at}/data`, 'An "update" of a resource names it in "data" by "id" or "lid".');
  if (target?.id !== undefined && target.id !== id) throw conflict(`${at}/data/id`, "The resource object's id does not match the ref's.");
  const { lid: _lid, ...rest } = resolved;
  void _lid;
  const input = readResourceDocument({ data: { ...rest, id } }, description, 'update', id);
  return { operation: { kind: 'update', resource: description.name, id, input }, kind: 'update', scope: { description, idInBody: true }, pointer: at };
}

/** A door error of operation `index`: its pointers moved under `/atomic:operations/N`. */
function within(index: number, response: ErrorResponse, fallback: string): ErrorResponse {
  const errors = response.document.errors.map((e: ErrorObject) => {
    const pointer = e.source?.pointer;
    if (pointer?.startsWith('/atomic:operations')) return e;
    return { ...e, source: { ...e.source, pointer: pointer !== undefined ? `${base(index)}${pointer}` : fallback } };
  });
  return { ...response, document: { errors } };
}

export interface OperationsRouteOptions {
  services: Services;
  atomic: AtomicWrites;
  auth: ContextBuilder;
  publicUrl: string;
}

export function operationsRoute({ services, atomic, auth, publicUrl }: OperationsRouteOptions): express.Router {
  const baseUrl = `${publicUrl}/v1`;
  const serializers = Object.fromEntries(
    resourceList.map((d) => [d.name, new ResourceSerializer(d, baseUrl, (target) => resources[target].type)]),
  ) as unknown as Serializers;
  const readBody = express.json({ type: () => true, limit: BODY_LIMIT, strict: true });

  /** Reads the document: its shape, the operation limit (before any operation is read), then each operation. */
  function readDocument(body: unknown): ReadOperation[] {
    if (!isObject(body)) throw bad('', 'The request body must be an object with an "atomic:operations" member.');
    for (const key of Object.keys(body)) {
      if (!['atomic:operations', 'meta', 'jsonapi', 'links'].includes(key)) throw bad(`/${key}`, `"${key}" is not allowed at the top level of an atomic operations document.`);
    }
    const list = body['atomic:operations'];
    if (!Array.isArray(list)) throw bad('/atomic:operations', 'The document needs "atomic:operations": an array of operation objects.');
    try {
      atomic.checkCount(list.length);
    } catch (error) {
      const response = errorResponse(error);
      throw JsonApiError.many(400, response!.document.errors.map((e) => ({ ...e, code: 'too_many_operations', source: { pointer: '/atomic:operations' } })));
    }
    const lids = new LocalIds();
    return list.map((value, index) => {
      try {
        return readOperation(value, index, lids, publicUrl);
      } catch (error) {
        throw new AtomicOperationError(index, error);
      }
    });
  }

  const router = express.Router();
  router.all([OPERATIONS_PATH, `${OPERATIONS_PATH}/`], async (req: Request, res: Response) => {
    let negotiated = false;
    let read: ReadOperation[] | undefined;
    try {
      if (req.method !== 'POST') throw new JsonApiError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: POST.`, undefined, { Allow: 'POST' });
      checkAccept(req.headers.accept, ATOMIC_EXT);
      checkContentType(req.headers['content-type'], ATOMIC_EXT);
      negotiated = true;
      if (readParameters(new URL(req.originalUrl, 'http://request.invalid').searchParams).size) {
        throw new JsonApiError(400, 'invalid_parameter', 'This endpoint takes no query parameters.', { parameter: [...new URL(req.originalUrl, 'http://request.invalid').searchParams.keys()][0]! });
      }
      // Who is asking, before a byte of the body is read (as on every endpoint).
      const ctx = await auth.build(req);
      await new Promise<void>((resolve, reject) => readBody(req, res, (error?: Error) => (error ? reject(error) : resolve())));
      read = readDocument(req.body);
      const reply = await handleRead(ctx, read);
      send(req, res, { ...reply, mediaType: ATOMIC_MEDIA_TYPE });
    } catch (error) {
      if (!req.complete) res.setHeader('Connection', 'close');
      const mediaType = negotiated ? ATOMIC_MEDIA_TYPE : undefined;
      const jsonapi = negotiated ? ATOMIC_JSONAPI : { version: '1.1' };
      let response: ErrorResponse | null;
      if (error instanceof AtomicOperationError) {
        const r = read?.[error.index];
        const known = errorResponse(error.cause, r?.scope ?? {});
        response = known ? within(error.index, refusalsAs403(error.cause, known), r?.pointer ?? base(error.index)) : null;
      } else response = errorResponse(error);
      if (!response) {
        req.log?.error({ err: error }, 'JSON:API atomic request failed');
        send(req, res, { status: 500, document: { jsonapi, ...internalError.document }, mediaType });
        return;
      }
      if (response.status >= 500) req.log?.warn({ err: error }, 'JSON:API atomic request failed');
      send(req, res, { status: response.status, headers: response.headers, document: { jsonapi, ...response.document }, mediaType });
    }
  });

  async function handleRead(ctx: RequestContext, read: ReadOperation[]): Promise<{ status: number; document?: object }> {
    const params = parseParameters(resourceList[0]!, new Map(), 'single');
    const results = await atomic.run(services, ctx, read.map((r) => r.operation), async ({ row, shows }, index, tx, txCtx) => {
      const r = read[index]!;
      // Resources added or updated answer with the resource; relationship edits and removals with an empty result.
      if (!row || (r.kind !== 'create' && r.kind !== 'update')) return {};
      const built = await new CompoundBuilder(tx, serializers).build(txCtx, r.scope.description!, [row], params, shows);
      const data = built.data[0]!;
      return { data: r.lid !== undefined ? { ...data, meta: { lid: r.lid } } : data };
    });
    // JSON:API Atomic: 204 No Content when no operation has a result to give.
    if (results.every((r) => !('data' in r))) return { status: 204 };
    return { status: 200, document: { jsonapi: ATOMIC_JSONAPI, 'atomic:results': results } };
  }
  return router;
}
