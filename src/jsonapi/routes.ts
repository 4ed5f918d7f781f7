// The JSON:API endpoints under /v1: each request is negotiated, authenticated
// and authorized for its operation (so 401/403 come before any 404, and before
// any request body is read), then translated into one or a few service calls
// and back. No business rules here: what the answer to a write may show is the
// service's decision (ResourceService.authorizeWrite), made before the write.
//
// The endpoints, their methods and the action (so the operation) of each are
// the endpoint table's (./endpoints.ts). A trailing slash is accepted
// everywhere, as the demo's URLs end in one.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ContextBuilder } from '../auth/context.js';
import type { RequestContext } from '../auth/types.js';
import type { RelationshipDescription, ResourceDescription, ResourceName } from '../resources/description.js';
import { resourceByType, resourceList, resources } from '../resources/registry.js';
import type { ListOptions } from '../resources/list-policy.js';
import type { Page, Row, Services, WriteAnswer } from '../resources/service.js';
import { CompoundBuilder, type IdentityObject, type Serializers } from './compound.js';
import { ServiceError } from '../errors.js';
import type { WriteKind } from '../resources/operations.js';
import { allowOf, matchEndpoint, operationOf, ruleFor, type Endpoint, type EndpointRule } from './endpoints.js';
import { BODY_LIMIT, errorResponse, internalError, JsonApiError, type ErrorResponse, type ErrorScope } from './errors.js';
import { checkAccept, checkContentType } from './negotiation.js';
import { parseParameters, readParameters, type CollectionParameters, type DocumentParameters } from './parameters.js';
import { localIdOf, readRelationshipDocument, readResourceDocument } from './request-documents.js';
import { send, type Reply } from './responses.js';
import { ResourceSerializer, type ResourceObject } from './serializer.js';

/**
 * This door's one departure from the list policy: a page[size] over the
 * maximum is quietly capped, as DJA's paginator does and the demo's clients
 * expect, instead of refused.
 */
const listOptions: ListOptions = { overMaximum: 'cap' };

export const JSONAPI_VERSION = { version: '1.1' } as const;

/** An include path or a non-empty sparse fieldset asks to see the resources: a read. */
function asksToRead(params: DocumentParameters): boolean {
  return params.include.size > 0 || [...params.fields.values()].some((fieldset) => fieldset.size > 0);
}

const notFound = (detail: string) => new JsonApiError(404, 'not_found', detail);

/** The endpoint table's match for a path under /v1 (./endpoints.ts), or 404. */
function endpointOf(path: string): Endpoint {
  let segments: string[];
  try {
    // One trailing slash is the demo's style; `/v1/courses//` keeps an empty id segment and matches nothing.
    segments = path.replace(/\/$/, '').split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw notFound('No such endpoint: the path is not valid percent-encoding.');
  }
  const endpoint = matchEndpoint(segments);
  if (endpoint) return endpoint;
  throw notFound(`No such endpoint: ${path}. Resource collections: ${resourceList.map((r) => `/v1/${r.type}`).join(', ')}.`);
}

/**
 * A request's path and query as a valid URI reference (RFC 3986 §3.3, §3.4):
 * WHATWG URLs leave `[`, `]`, `^`, `|`, `{`, `}`, `\`, a backtick and stray `%`
 * raw, which are not allowed there. Everything else is kept as the client sent it.
 */
function uriOf(pathAndQuery: string): string {
  return pathAndQuery.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g, (c) => encodeURIComponent(c));
}

/**
 * Problems the rules refuse whatever their values (removing a member that
 * needs its owner) are 403: JSON:API 1.1 §"Updating To-Many Relationships" and
 * §"Updating a Resource's Relationships" ("MUST reject the entire update, and
 * return a 403 Forbidden"). Beside other problems the document stays a 400,
 * the most generally applicable status (§"Error Objects"), each error keeping its own.
 */
export function refusalsAs403(error: unknown, response: ErrorResponse): ErrorResponse {
  if (!(error instanceof ServiceError) || !error.problems.some((p) => p.refused)) return response;
  const errors = response.document.errors.map((e, i) => (error.problems[i]?.refused ? { ...e, status: '403', code: 'refused', title: 'Forbidden' } : e));
  return { ...response, status: errors.every((e) => e.status === '403') ? 403 : response.status, document: { ...response.document, errors } };
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
  const readBody = express.json({ type: () => true, limit: BODY_LIMIT, strict: true });

  function pageLinks(url: URL, { total, limit }: Page, params: CollectionParameters) {
    const pages = Math.max(1, Math.ceil(total / limit));
    const at = (n: number) => {
      const u = new URL(url);
      u.searchParams.set('page[number]', String(n));
      // URLSearchParams percent-encodes `[` and `]` (RFC 3986 allows them only in a host).
      return `${publicUrl}${u.pathname}${u.search}`;
    };
    const n = params.page.number;
    return {
      links: { self: `${publicUrl}${uriOf(url.pathname + url.search)}`, first: at(1), last: at(pages), prev: n > 1 ? at(Math.min(n - 1, pages)) : null, next: n < pages ? at(n + 1) : null },
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

  async function handle(req: Request, ctx: RequestContext, endpoint: Endpoint, rule: EndpointRule, url: URL, scope: ErrorScope): Promise<Reply> {
    const d = resourceByType(endpoint.type);
    if (!d) throw notFound(`${endpoint.type} is not a resource collection; collections: ${resourceList.map((r) => r.type).join(', ')}.`);
    scope.description = d;
    const service = services[d.name];
    const query = readParameters(url.searchParams);
    const self = `${publicUrl}${uriOf(url.pathname + url.search)}`;

    switch (endpoint.kind) {
      case 'collection': {
        if (rule.action === 'create') {
          const params = parseParameters(d, query, 'single');
          const shows = service.authorizeWrite(ctx, 'create', { asksToRead: asksToRead(params) });
          scope.idInBody = true;
          const input = readResourceDocument(req.body, d, 'create');
          const row = await service.create(ctx, input);
          const location = serializers[d.name].selfUrl(row.id);
          const document = await singleDocument(ctx, d, row, params, location, shows);
          // The client's local id (JSON:API 1.1 `lid`), so it can tell which resource it created.
          const lid = localIdOf(req.body);
          if (lid !== undefined && document.data) document.data = { ...document.data, meta: { lid } };
          return { status: rule.status, document, headers: { Location: location } };
        }
        const params = parseParameters(d, query, 'collection');
        scope.filterParameters = params.filterParameters;
        const page = await service.list(ctx, params.list, listOptions);
        const paging = pageLinks(url, page, params);
        return { status: rule.status, document: { jsonapi: JSONAPI_VERSION, ...(await resourcesDocument(ctx, d, page.rows, params)), ...paging } };
      }
      case 'resource': {
        if (rule.action === 'delete') {
          parseParameters(d, query, 'relationship');
          service.authorizeWrite(ctx, 'delete');
          await service.delete(ctx, endpoint.id);
          return { status: rule.status };
        }
        const params = parseParameters(d, query, 'single');
        if (rule.action === 'update') {
          const shows = service.authorizeWrite(ctx, 'update', { asksToRead: asksToRead(params) });
          scope.idInBody = true;
          const input = readResourceDocument(req.body, d, 'update', endpoint.id);
          const row = await service.update(ctx, endpoint.id, input);
          return { status: rule.status, document: await singleDocument(ctx, d, row, params, serializers[d.name].selfUrl(row.id), shows) };
        }
        const row = await service.get(ctx, endpoint.id);
        return { status: rule.status, document: await singleDocument(ctx, d, row, params, self) };
      }
      case 'related': {
        const rel = relationshipOf(d, endpoint.rel);
        const target = resources[rel.target];
        scope.description = target;
        if (rel.toMany) {
          const params = parseParameters(target, query, 'collection');
          scope.filterParameters = params.filterParameters;
          const page = await service.relatedPage(ctx, endpoint.id, rel.field, params.list, listOptions);
          return { status: rule.status, document: { jsonapi: JSONAPI_VERSION, ...(await resourcesDocument(ctx, target, page.rows, params)), ...pageLinks(url, page, params) } };
        }
        const params = parseParameters(target, query, 'single');
        const parent = await service.get(ctx, endpoint.id);
        const row = rel.foreignKey
          ? parent[rel.foreignKey]
            ? ((await services[rel.target].getMany(ctx, [parent[rel.foreignKey] as string]))[0] ?? null)
            : null
          : ((await service.related(ctx, rel.field, [endpoint.id])).get(endpoint.id)?.[0] ?? null);
        return { status: rule.status, document: await singleDocument(ctx, target, row, params, self) };
      }
      case 'relationship': {
        const rel = relationshipOf(d, endpoint.rel);
        parseParameters(d, query, 'relationship');
        scope.relationshipBody = true;
        if (rule.action === 'related') return { status: rule.status, document: await linkageDocument(ctx, d, endpoint.id, rel) };
        if (rule.toManyOnly && !rel.toMany) {
          throw new JsonApiError(405, 'method_not_allowed', `${rel.external} is a to-one relationship: replace it with PATCH.`, undefined, { Allow: allowOf('relationship', false) });
        }
        const shows = service.authorizeWrite(ctx, rule.action as WriteKind);
        const value = readRelationshipDocument(req.body, rel);
        if (rule.action === 'replace') await service.setRelationship(ctx, endpoint.id, rel.field, value);
        else if (rule.action === 'add') await service.addToRelationship(ctx, endpoint.id, rel.field, value as string[]);
        else await service.removeFromRelationship(ctx, endpoint.id, rel.field, value as string[]);
        // 200 with the relationship as it now is (§"Updating Relationships": allowed, and it shows what the server did);
        // 204 No Content, also allowed there, for a caller who may not read it.
        if (shows === 'identity') return { status: rule.identityOnly ?? 204 };
        return { status: rule.status, document: await linkageDocument(ctx, d, endpoint.id, rel) };
      }
    }
  }

  const router = express.Router();
  router.use('/v1', async (req: Request, res: Response, next: NextFunction) => {
    const scope: ErrorScope = {};
    try {
      const endpoint = endpointOf(req.path);
      const rule = ruleFor(endpoint.kind, req.method);
      if (!rule) {
        const allowed = allowOf(endpoint.kind);
        throw new JsonApiError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allowed}.`, undefined, { Allow: allowed });
      }
      checkAccept(req.headers.accept);
      const hasBody = rule.request !== undefined;
      if (hasBody) checkContentType(req.headers['content-type']);
      // Who is asking, and may they do this at all, before a byte of the body
      // is read: an unauthenticated upload is answered at once, not after up
      // to the body limit has trickled in. (A JSON access_token member, RFC
      // 6750 §2.2's body form, is then refused by the document reader.)
      const ctx = await auth.build(req);
      ctx.authorize(operationOf(rule));
      if (hasBody) await new Promise<void>((resolve, reject) => readBody(req, res, (error?: Error) => (error ? reject(error) : resolve())));
      const url = new URL(req.originalUrl, 'http://request.invalid');
      send(req, res, await handle(req, ctx, endpoint, rule, url, scope));
    } catch (error) {
      // A body left unread (refused before it was read, or too large) is not
      // drained from a possibly slow client: close the connection after the
      // answer (RFC 9112 §9.6).
      if (!req.complete) res.setHeader('Connection', 'close');
      const known = errorResponse(error, scope);
      if (!known) {
        req.log?.error({ err: error }, 'JSON:API request failed');
        send(req, res, { status: 500, document: { jsonapi: JSONAPI_VERSION, ...internalError.document } });
        return;
      }
      const response = refusalsAs403(error, known);
      if (response.status >= 500) req.log?.warn({ err: error }, 'JSON:API request failed');
      send(req, res, { status: response.status, headers: response.headers, document: { jsonapi: JSONAPI_VERSION, ...response.document } });
    }
    void next;
  });
  return router;
}

export type { ResourceName };
