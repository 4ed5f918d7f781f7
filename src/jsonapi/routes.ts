// The JSON:API endpoints under /v1: each request is negotiated, authenticated
// and authorized for its operation (so 401/403 come before any 404, and before
// any request body is read), then translated into one or a few service calls
// and back. No business rules here: what the answer to a write may show is the
// service's decision (ResourceService.authorizeWrite), made before the write.
//
//   /v1/TYPE                          GET HEAD POST
//   /v1/TYPE/ID                       GET HEAD PATCH DELETE
//   /v1/TYPE/ID/REL                   GET HEAD            (related resources)
//   /v1/TYPE/ID/relationships/REL     GET HEAD PATCH, and POST DELETE on to-many
// A trailing slash is accepted everywhere, as the demo's URLs end in one.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { RequestContext } from '../auth/types.js';
import { operationFor, type Action, type ReadAction, type WriteKind } from '../resources/operations.js';
import type { RelationshipDescription, ResourceDescription, ResourceName } from '../resources/description.js';
import { resourceByType, resourceList, resources } from '../resources/registry.js';
import type { Row, Services, WriteAnswer } from '../resources/service.js';
import { CompoundBuilder, type IdentityObject, type Serializers } from './compound.js';
import { errorResponse, internalError, JsonApiError, type ErrorScope } from './errors.js';
import { checkAccept, checkContentType } from './negotiation.js';
import { parseParameters, readParameters, type CollectionParameters, type DocumentParameters } from './parameters.js';
import { readRelationshipDocument, readResourceDocument } from './request-documents.js';
import { send, type Reply } from './responses.js';
import { ResourceSerializer, type ResourceObject } from './serializer.js';

export const JSONAPI_VERSION = { version: '1.1' } as const;

/** The write a relationship endpoint's method asks for (JSON:API 1.1 §"Updating Relationships"). */
const relationshipWrites: Record<string, WriteKind> = { POST: 'add', DELETE: 'remove', PATCH: 'replace' };

/** Each endpoint's reads; its writes by method. The operation is the table's (src/resources/operations.ts). */
const reads: Record<Endpoint['kind'], ReadAction> = { collection: 'list', resource: 'get', related: 'related', relationship: 'related' };
const writes: Record<string, WriteKind> = { POST: 'create', PATCH: 'update', DELETE: 'delete' };

function actionOf(endpoint: Endpoint, method: string): Action {
  if (method === 'GET' || method === 'HEAD') return reads[endpoint.kind];
  return (endpoint.kind === 'relationship' ? relationshipWrites : writes)[method]!;
}

/** An include path or a non-empty sparse fieldset asks to see the resources: a read. */
function asksToRead(params: DocumentParameters): boolean {
  return params.include.size > 0 || [...params.fields.values()].some((fieldset) => fieldset.size > 0);
}

type Endpoint =
  | { kind: 'collection'; type: string }
  | { kind: 'resource'; type: string; id: string }
  | { kind: 'related'; type: string; id: string; rel: string }
  | { kind: 'relationship'; type: string; id: string; rel: string };

const allowedMethods: Record<Endpoint['kind'], string[]> = {
  collection: ['GET', 'HEAD', 'POST'],
  resource: ['GET', 'HEAD', 'PATCH', 'DELETE'],
  related: ['GET', 'HEAD'],
  relationship: ['GET', 'HEAD', 'PATCH', 'POST', 'DELETE'],
};

const notFound = (detail: string) => new JsonApiError(404, 'not_found', detail);

function endpointOf(path: string): Endpoint {
  let segments: string[];
  try {
    segments = path.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw notFound('No such endpoint: the path is not valid percent-encoding.');
  }
  const [type, id, third, fourth] = segments;
  if (type && segments.length === 1) return { kind: 'collection', type };
  if (type && id && segments.length === 2) return { kind: 'resource', type, id };
  if (type && id && third && segments.length === 3) return { kind: 'related', type, id, rel: third };
  if (type && id && third === 'relationships' && fourth && segments.length === 4) return { kind: 'relationship', type, id, rel: fourth };
  throw notFound(`No such endpoint: ${path}. Resource collections: ${resourceList.map((r) => `/v1/${r.type}`).join(', ')}.`);
}

export interface JsonApiRoutesOptions {
  services: Services;
  auth: ContextBuilder;
  /** The server's address as clients see it, without a trailing slash. */
  publicUrl: string;
}

export function jsonapiRoutes({ services, auth, publicUrl }: JsonApiRoutesOptions): express.Router {
  const baseUrl = `${publicUrl}/v1`;
  const serializers = Object.fromEntries(
    resourceList.map((d) => [d.name, new ResourceSerializer(d, baseUrl, (target) => resources[target].type)]),
  ) as unknown as Serializers;
  const compound = new CompoundBuilder(services, serializers);
  const readBody = express.json({ type: () => true, limit: '1mb', strict: true });

  function pageLinks(url: URL, total: number, params: CollectionParameters) {
    const pages = Math.max(1, Math.ceil(total / params.page.size));
    const at = (n: number) => {
      const u = new URL(url);
      u.searchParams.set('page[number]', String(n));
      return `${publicUrl}${u.pathname}${u.search}`.replace(/%5B/g, '[').replace(/%5D/g, ']');
    };
    const n = params.page.number;
    return {
      links: { self: `${publicUrl}${url.pathname}${url.search}`, first: at(1), last: at(pages), prev: n > 1 ? at(Math.min(n - 1, pages)) : null, next: n < pages ? at(n + 1) : null },
      meta: { pagination: { page: n, pages, count: total } },
    };
  }

  async function resourcesDocument(ctx: RequestContext, d: ResourceDescription, rows: readonly Row[], params: DocumentParameters, shows: WriteAnswer = 'record') {
    const built = await compound.build(ctx, d, rows, params, shows);
    return { data: built.data, ...(params.include.size && shows === 'record' ? { included: built.included } : {}) };
  }

  async function singleDocument(ctx: RequestContext, d: ResourceDescription, row: Row | null, params: DocumentParameters, self: string, shows: WriteAnswer = 'record') {
    if (!row) return { jsonapi: JSONAPI_VERSION, data: null, links: { self } };
    const { data, included } = await resourcesDocument(ctx, d, [row], params, shows);
    return { jsonapi: JSONAPI_VERSION, data: data[0] as ResourceObject | IdentityObject, ...(included ? { included } : {}), links: { self } };
  }

  function relationshipOf(d: ResourceDescription, name: string): RelationshipDescription {
    const rel = d.relationships.find((r) => r.external === name);
    if (!rel) throw notFound(`${name} is not a relationship of ${d.type}; it has ${d.relationships.map((r) => r.external).join(', ')}.`);
    return rel;
  }

  async function linkageDocument(ctx: RequestContext, d: ResourceDescription, id: string, rel: RelationshipDescription) {
    const service = services[d.name];
    const row = await service.get(ctx, id);
    const value = rel.foreignKey ? ((row[rel.foreignKey] as string | null) ?? null) : ((await service.linkage(ctx, [id], [rel.field])).get(id)?.[rel.field] ?? (rel.toMany ? [] : null));
    const serializer = serializers[d.name];
    return { jsonapi: JSONAPI_VERSION, data: serializer.linkageData(rel.field, value), links: serializer.relationshipLinks(row.id, rel.external) };
  }

  async function handle(req: Request, ctx: RequestContext, endpoint: Endpoint, url: URL, scope: ErrorScope): Promise<Reply> {
    const d = resourceByType(endpoint.type);
    if (!d) throw notFound(`${endpoint.type} is not a resource collection; collections: ${resourceList.map((r) => r.type).join(', ')}.`);
    scope.description = d;
    const service = services[d.name];
    const query = readParameters(url.searchParams);
    const self = `${publicUrl}${url.pathname}${url.search}`;

    switch (endpoint.kind) {
      case 'collection': {
        if (req.method === 'POST') {
          const params = parseParameters(d, query, 'single');
          const shows = service.authorizeWrite(ctx, 'create', { asksToRead: asksToRead(params) });
          scope.idInBody = true;
          const input = readResourceDocument(req.body, d, 'create');
          const row = await service.create(ctx, input);
          const location = serializers[d.name].selfUrl(row.id);
          const document = await singleDocument(ctx, d, row, params, location, shows);
          return { status: 201, document, headers: { Location: location } };
        }
        const params = parseParameters(d, query, 'collection');
        scope.filterParameters = params.filterParameters;
        const page = await service.list(ctx, params.list);
        const paging = pageLinks(url, page.total, params);
        return { status: 200, document: { jsonapi: JSONAPI_VERSION, ...(await resourcesDocument(ctx, d, page.rows, params)), ...paging } };
      }
      case 'resource': {
        if (req.method === 'DELETE') {
          parseParameters(d, query, 'relationship');
          service.authorizeWrite(ctx, 'delete');
          await service.delete(ctx, endpoint.id);
          return { status: 204 };
        }
        const params = parseParameters(d, query, 'single');
        if (req.method === 'PATCH') {
          const shows = service.authorizeWrite(ctx, 'update', { asksToRead: asksToRead(params) });
          scope.idInBody = true;
          const input = readResourceDocument(req.body, d, 'update', endpoint.id);
          const row = await service.update(ctx, endpoint.id, input);
          return { status: 200, document: await singleDocument(ctx, d, row, params, serializers[d.name].selfUrl(row.id), shows) };
        }
        const row = await service.get(ctx, endpoint.id);
        return { status: 200, document: await singleDocument(ctx, d, row, params, self) };
      }
      case 'related': {
        const rel = relationshipOf(d, endpoint.rel);
        const target = resources[rel.target];
        scope.description = target;
        if (rel.toMany) {
          const params = parseParameters(target, query, 'collection');
          scope.filterParameters = params.filterParameters;
          const page = await service.relatedPage(ctx, endpoint.id, rel.field, params.list);
          return { status: 200, document: { jsonapi: JSONAPI_VERSION, ...(await resourcesDocument(ctx, target, page.rows, params)), ...pageLinks(url, page.total, params) } };
        }
        const params = parseParameters(target, query, 'single');
        const parent = await service.get(ctx, endpoint.id);
        const row = rel.foreignKey
          ? parent[rel.foreignKey]
            ? ((await services[rel.target].getMany(ctx, [parent[rel.foreignKey] as string]))[0] ?? null)
            : null
          : ((await service.related(ctx, rel.field, [endpoint.id])).get(endpoint.id)?.[0] ?? null);
        return { status: 200, document: await singleDocument(ctx, target, row, params, self) };
      }
      case 'relationship': {
        const rel = relationshipOf(d, endpoint.rel);
        parseParameters(d, query, 'relationship');
        scope.relationshipBody = true;
        if (req.method === 'GET' || req.method === 'HEAD') return { status: 200, document: await linkageDocument(ctx, d, endpoint.id, rel) };
        if ((req.method === 'POST' || req.method === 'DELETE') && !rel.toMany) {
          // JSON:API 1.1 defines POST and DELETE on to-many relationships only.
          throw new JsonApiError(405, 'method_not_allowed', `${rel.external} is a to-one relationship: replace it with PATCH.`, undefined, { Allow: 'GET, HEAD, PATCH' });
        }
        const shows = service.authorizeWrite(ctx, relationshipWrites[req.method]!);
        const value = readRelationshipDocument(req.body, rel);
        if (req.method === 'PATCH') await service.setRelationship(ctx, endpoint.id, rel.field, value);
        else if (req.method === 'POST') await service.addToRelationship(ctx, endpoint.id, rel.field, value as string[]);
        else await service.removeFromRelationship(ctx, endpoint.id, rel.field, value as string[]);
        // 200 with the relationship as it now is (§"Updating Relationships": allowed, and it shows what the server did);
        // 204 No Content, also allowed there, for a caller who may not read it.
        if (shows === 'identity') return { status: 204 };
        return { status: 200, document: await linkageDocument(ctx, d, endpoint.id, rel) };
      }
    }
  }

  const router = express.Router();
  router.use('/v1', async (req: Request, res: Response, next: NextFunction) => {
    const scope: ErrorScope = {};
    try {
      const endpoint = endpointOf(req.path);
      const allowed = allowedMethods[endpoint.kind];
      if (!allowed.includes(req.method)) {
        throw new JsonApiError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allowed.join(', ')}.`, undefined, { Allow: allowed.join(', ') });
      }
      checkAccept(req.headers.accept);
      const hasBody = req.method === 'POST' || req.method === 'PATCH' || (req.method === 'DELETE' && endpoint.kind === 'relationship');
      if (hasBody) checkContentType(req.headers['content-type']);
      // Who is asking, and may they do this at all, before a byte of the body
      // is read: an unauthenticated upload is answered at once, not after up
      // to the body limit has trickled in. (A JSON access_token member, RFC
      // 6750 §2.2's body form, is then refused by the document reader.)
      const ctx = await auth.build(req);
      ctx.authorize(operationFor(actionOf(endpoint, req.method)));
      if (hasBody) await new Promise<void>((resolve, reject) => readBody(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      const url = new URL(req.originalUrl, 'http://request.invalid');
      send(req, res, await handle(req, ctx, endpoint, url, scope));
    } catch (error) {
      // A body left unread (refused before it was read, or too large) is not
      // drained from a possibly slow client: close the connection after the
      // answer (RFC 9112 §9.6).
      if (!req.complete) res.setHeader('Connection', 'close');
      const response = errorResponse(error, scope);
      if (!response) {
        req.log?.error({ err: error }, 'JSON:API request failed');
        send(req, res, { status: 500, document: { jsonapi: JSONAPI_VERSION, ...internalError.document } });
        return;
      }
      if (response.status >= 500) req.log?.warn({ err: error }, 'JSON:API request failed');
      send(req, res, { status: response.status, headers: response.headers, document: { jsonapi: JSONAPI_VERSION, ...response.document } });
    }
    void next;
  });
  return router;
}

export type { ResourceName };
