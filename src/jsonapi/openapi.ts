// The OpenAPI 3.1 document of the JSON:API door, derived from the resource
// descriptions and the endpoint table (./endpoints.ts): one schema per
// resource, one operation per table row and resource (its statuses, documents
// and query parameters), and security naming the operation each needs (the
// operations table's, described where the operations are defined).
import type { AttributeDescription, RelationshipDescription, ResourceDescription } from '../resources/description.js';
import { OPERATIONS, OPERATION_DESCRIPTIONS } from '../resources/operations.js';
import { resourceList, resources } from '../resources/registry.js';
import { operationOf, pathOf, rulesOf, type EndpointKind, type EndpointRule, type RequestDocument } from './endpoints.js';
import type { SignInServer } from './sign-in.js';
import { DEFAULT_PAGE_SIZE, MAX_INCLUDE_DEPTH, MAX_PAGE_SIZE } from './parameters.js';
import { ATOMIC_MEDIA_TYPE, MEDIA_TYPE } from './negotiation.js';

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const pascal = (type: string) => type.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

function attributeSchema(a: AttributeDescription): Schema {
  const s: Schema = {};
  switch (a.type) {
    case 'string':
      s.type = 'string';
      if (a.maxLength !== undefined) s.maxLength = a.maxLength;
      if (a.length !== undefined) s.minLength = a.length;
      if (a.pattern) s.pattern = a.pattern.source;
      break;
    case 'integer':
      s.type = 'integer';
      s.maximum = 2_147_483_647;
      break;
    case 'float':
      s.type = 'number';
      break;
    case 'boolean':
      s.type = 'boolean';
      break;
    case 'date':
      s.type = 'string';
      s.format = 'date';
      break;
    case 'enum':
      s.type = 'string';
      s.enum = [...(a.enumValues ?? []), ...(a.nullable ? [null] : [])];
      break;
  }
  if (a.min !== undefined) s.minimum = a.min;
  if (a.nullable && s.type) s.type = [s.type as string, 'null'];
  if (a.readOnly) s.readOnly = true;
  const notes = [a.description, a.patternHint && `Format: ${a.patternHint}.`, a.unique && 'Unique.', a.readOnly && 'Set by the server from the access token; ignored on input.'].filter(Boolean);
  if (notes.length) s.description = notes.join(' ');
  return s;
}

function resourceSchemas(d: ResourceDescription): Record<string, Schema> {
  const name = pascal(d.type);
  const attributes: Schema = {
    type: 'object',
    properties: Object.fromEntries(d.attributes.map((a) => [a.external, attributeSchema(a)])),
    additionalProperties: false,
  };
  const relationships = Object.fromEntries(
    d.relationships.map((r) => {
      const target = resources[r.target];
      const identifier = ref(`${pascal(target.type)}Identifier`);
      const data = r.toMany ? { type: 'array', items: identifier } : { oneOf: [identifier, { type: 'null' }] };
      return [r.external, { type: 'object', properties: { links: ref('RelationshipLinks'), data }, required: ['data'] }];
    }),
  );
  const relationshipsSchema: Schema = { type: 'object', properties: relationships, additionalProperties: false };
  const resource: Schema = {
    type: 'object',
    required: ['type', 'id'],
    properties: {
      type: { const: d.type },
      id: { type: 'string', format: 'uuid' },
      attributes: ref(`${name}Attributes`),
      relationships: ref(`${name}Relationships`),
      links: { type: 'object', properties: { self: { type: 'string', format: 'uri' } } },
      meta: { type: 'object', properties: { lid: { type: 'string', description: 'The `lid` the create named.' } } },
    },
  };
  const required = d.attributes.filter((a) => a.required).map((a) => a.external);
  const requiredRels = d.relationships.filter((r) => r.required).map((r) => r.external);
  const create: Schema = {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        required: ['type', ...(required.length ? ['attributes'] : []), ...(requiredRels.length ? ['relationships'] : [])],
        properties: {
          type: { const: d.type },
          id: { type: 'string', format: 'uuid', description: 'Optional client-generated id; a taken id is 409.' },
          lid: { type: 'string', description: 'Optional local id (JSON:API 1.1), without `id`; the answer echoes it as `data.meta.lid`.' },
          attributes: { allOf: [ref(`${name}Attributes`)], ...(required.length ? { required } : {}) },
          relationships: { allOf: [ref(`${name}Relationships`)], ...(requiredRels.length ? { required: requiredRels } : {}) },
        },
        additionalProperties: false,
      },
    },
  };
  const update: Schema = {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'object',
        required: ['type', 'id'],
        properties: { type: { const: d.type }, id: { type: 'string', format: 'uuid' }, attributes: ref(`${name}Attributes`), relationships: ref(`${name}Relationships`) },
        additionalProperties: false,
      },
    },
  };
  return {
    [`${name}Attributes`]: attributes,
    [`${name}Relationships`]: relationshipsSchema,
    [`${name}Identifier`]: { type: 'object', required: ['type', 'id'], properties: { type: { const: d.type }, id: { type: 'string', format: 'uuid' } } },
    [`${name}Resource`]: resource,
    [`${name}Document`]: {
      type: 'object',
      required: ['data'],
      properties: { jsonapi: ref('JsonApi'), data: ref(`${name}Resource`), included: { type: 'array', items: ref('AnyResource') }, links: ref('Links') },
    },
    [`${name}CollectionDocument`]: {
      type: 'object',
      required: ['data'],
      properties: {
        jsonapi: ref('JsonApi'),
        data: { type: 'array', items: ref(`${name}Resource`) },
        included: { type: 'array', items: ref('AnyResource') },
        links: ref('PageLinks'),
        meta: ref('PageMeta'),
      },
    },
    [`${name}Create`]: create,
    [`${name}Update`]: update,
  };
}

const commonSchemas: Record<string, Schema> = {
  JsonApi: { type: 'object', properties: { version: { type: 'string', examples: ['1.1'] } } },
  Links: { type: 'object', properties: { self: { type: 'string', format: 'uri' } } },
  RelationshipLinks: { type: 'object', properties: { self: { type: 'string', format: 'uri' }, related: { type: 'string', format: 'uri' } } },
  PageLinks: {
    type: 'object',
    properties: Object.fromEntries(['self', 'first', 'last', 'prev', 'next'].map((k) => [k, { type: ['string', 'null'], format: 'uri' }])),
  },
  PageMeta: {
    type: 'object',
    properties: {
      pagination: { type: 'object', properties: { page: { type: 'integer', minimum: 1 }, pages: { type: 'integer', minimum: 1 }, count: { type: 'integer', minimum: 0 } } },
    },
  },
  ErrorDocument: {
    type: 'object',
    required: ['errors'],
    properties: {
      jsonapi: ref('JsonApi'),
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['status', 'code', 'title', 'detail'],
          properties: {
            status: { type: 'string' },
            code: { type: 'string' },
            title: { type: 'string' },
            detail: { type: 'string' },
            source: { type: 'object', properties: { pointer: { type: 'string' }, parameter: { type: 'string' }, header: { type: 'string' } } },
          },
        },
      },
    },
  },
};

const content = (schema: Schema) => ({ [MEDIA_TYPE]: { schema } });

const errorResponses = (codes: readonly number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description:
          {
            400: 'Bad request: an unknown or malformed parameter (`source.parameter`), or a malformed or invalid document (`source.pointer`)',
            401: 'No or invalid access token (see `WWW-Authenticate`)',
            403: 'The access token lacks the scope for this operation, or the change is refused (removing a member that needs its owner)',
            404: 'No such resource, or linkage to a resource that does not exist',
            405: 'Method not allowed on this endpoint',
            406: 'The Accept header allows no JSON:API response',
            409: 'The type or id does not match the endpoint, or the client-generated id is taken',
            413: 'The request body is over 1 MB',
            415: 'The request body is not application/vnd.api+json without parameters other than profile',
          }[code] ?? 'Error',
        content: content(ref('ErrorDocument')),
      },
    ]),
  );

/** The include paths of a resource up to `depth` relationships (for documentation). */
function includeExamples(d: ResourceDescription): string[] {
  return d.relationships.flatMap((r) => [r.external, ...resources[r.target].relationships.map((r2) => `${r.external}.${r2.external}`)]);
}

function parametersFor(d: ResourceDescription, kind: 'collection' | 'single'): Schema[] {
  const fields = {
    name: 'fields',
    in: 'query',
    style: 'deepObject',
    explode: true,
    description: 'Sparse fieldsets: `fields[TYPE]=a,b` shows only these attributes and relationships of TYPE.',
    // An empty example, so that "Try it out" starts without every property filled in.
    example: {},
    schema: {
      type: 'object',
      properties: Object.fromEntries(
        resourceList.map((r) => [r.type, { type: 'string', description: [...r.attributes.map((a) => a.external), ...r.relationships.map((x) => x.external)].join(', ') }]),
      ),
      additionalProperties: false,
    },
  };
  const include = {
    name: 'include',
    in: 'query',
    description: `Comma-separated relationship paths to include (a compound document), up to ${MAX_INCLUDE_DEPTH} deep, e.g. ${includeExamples(d).slice(0, 4).join(', ')}.`,
    schema: { type: 'string' },
  };
  if (kind === 'single') return [include, fields];
  const filterProperties: Record<string, Schema> = { search: { type: 'string', description: `Every word must appear, case-insensitively, in one of: ${d.searchPaths.join(', ')}.` } };
  for (const f of d.filters) {
    filterProperties[f.external] = { type: 'string', description: 'exact match' };
    for (const lookup of f.lookups) {
      filterProperties[`${f.external}.${lookup}`] = { type: 'string', ...(lookup === 'in' ? { description: 'comma-separated values, ORed' } : {}) };
      if (f.suffixLookups && ['gt', 'gte', 'lt', 'lte'].includes(lookup)) filterProperties[`${f.external}_${lookup}`] = { type: 'string' };
    }
  }
  const sortable = ['id', ...d.attributes.filter((a) => a.sortable).map((a) => a.external)];
  return [
    {
      name: 'page',
      in: 'query',
      style: 'deepObject',
      explode: true,
      description: `page[number] (from 1) and page[size] (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      example: { number: 1, size: DEFAULT_PAGE_SIZE },
      schema: {
        type: 'object',
        properties: { number: { type: 'integer', minimum: 1, default: 1 }, size: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
        additionalProperties: false,
      },
    },
    {
      name: 'filter',
      in: 'query',
      style: 'deepObject',
      explode: true,
      description: 'Filters, ANDed: `filter[FIELD]` (exact) or `filter[FIELD.LOOKUP]`; `filter[search]` for words.',
      example: {},
      schema: { type: 'object', properties: filterProperties, additionalProperties: false },
    },
    { name: 'sort', in: 'query', description: `Comma-separated; \`-\` for descending. Fields: ${sortable.join(', ')}.`, schema: { type: 'string' } },
    include,
    fields,
  ];
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

export interface OpenApiOptions {
  publicUrl: string;
  /** The built-in authorization server (passed in by the app), or null: then a bearer token from any trusted issuer. */
  signIn: SignInServer | null;
}

/** The request body schema of a table row's request document. */
function requestSchema(document: RequestDocument, d: ResourceDescription, r: RelationshipDescription | undefined): Schema {
  if (document === 'create') return ref(`${pascal(d.type)}Create`);
  if (document === 'update') return ref(`${pascal(d.type)}Update`);
  return linkageSchema(r!);
}

function linkageSchema(r: RelationshipDescription): Schema & { properties: { data: Schema } } {
  const identifier = ref(`${pascal(resources[r.target].type)}Identifier`);
  return { type: 'object', required: ['data'], properties: { data: r.toMany ? { type: 'array', items: identifier } : { oneOf: [identifier, { type: 'null' }] } } };
}

/** The success response of a table row: its status, description and document. */
function successResponses(rule: EndpointRule, d: ResourceDescription, r: RelationshipDescription | undefined): Record<string, Schema> {
  const target = r ? resources[r.target] : d;
  const name = pascal(target.type);
  const linkage = { type: 'object', properties: { jsonapi: ref('JsonApi'), links: ref('RelationshipLinks'), data: r ? linkageSchema(r).properties.data : {} } };
  const responses: Record<string, Schema> = {};
  switch (rule.response) {
    case 'page':
      responses[rule.status] = { description: `A page of ${target.type}`, content: content(ref(`${name}CollectionDocument`)) };
      break;
    case 'resource':
      responses[rule.status] =
        rule.status === 201
          ? { description: 'Created', headers: { Location: { schema: { type: 'string', format: 'uri' } } }, content: content(ref(`${name}Document`)) }
          : { description: rule.request ? 'Updated' : 'The resource', content: content(ref(`${name}Document`)) };
      break;
    case 'related':
      responses[rule.status] = {
        description: `The related ${target.type}`,
        content: content(r?.toMany ? ref(`${name}CollectionDocument`) : { oneOf: [ref(`${name}Document`), { type: 'object', properties: { data: { type: 'null' } } }] }),
      };
      break;
    case 'linkage':
      responses[rule.status] = { description: rule.request ? 'The linkage as it now is' : 'The linkage', content: content(linkage) };
      break;
    case 'none':
      responses[rule.status] = { description: 'Deleted' };
      break;
  }
  if (rule.identityOnly) responses[rule.identityOnly] = { description: 'Done; the caller may change the relationship but not read it' };
  return responses;
}

/** The query parameters of a table row: those of the resources its answer shows. */
function parametersOf(rule: EndpointRule, d: ResourceDescription, r: RelationshipDescription | undefined): Schema[] {
  const target = r ? resources[r.target] : d;
  switch (rule.response) {
    case 'page':
      return parametersFor(target, 'collection');
    case 'resource':
      return parametersFor(target, 'single');
    case 'related':
      return parametersFor(target, r?.toMany ? 'collection' : 'single');
    default:
      return [];
  }
}

/** POST /v1/operations: JSON:API Atomic Operations (./operations.ts). */
function atomicPath(scheme: string): Schema {
  const atomicContent = (schema: Schema) => ({ [ATOMIC_MEDIA_TYPE]: { schema } });
  const target = {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string' }, id: { type: 'string' }, lid: { type: 'string' }, relationship: { type: 'string' } },
    additionalProperties: false,
  };
  const operation = {
    type: 'object',
    required: ['op'],
    properties: {
      op: { enum: ['add', 'update', 'remove'] },
      ref: target,
      href: { type: 'string', description: 'A URL of this API: a collection, a resource or a relationship (instead of `ref`).' },
      data: { description: 'A resource object (add/update of a resource; `lid` instead of `id` for a new one, or to name one added earlier), or linkage (relationship operations; identifiers by `id` or `lid`).' },
      meta: { type: 'object' },
    },
    additionalProperties: false,
  };
  return {
    post: {
      operationId: 'atomic_operations',
      summary: 'Run several writes all or nothing (JSON:API Atomic Operations)',
      description:
        'The operations run in order in one database transaction: every one is stored, or none. Each needs the scope of the write it mirrors (add `create`, update `update`, remove `delete`; relationship members: add `create`, remove `delete`, replace `update`), all checked before any runs. At most ATOMIC_MAX_OPERATIONS operations. Errors point into the failing operation: `/atomic:operations/N/…`.',
      tags: ['operations'],
      security: [{ [scheme]: [] }],
      requestBody: {
        required: true,
        content: atomicContent({ type: 'object', required: ['atomic:operations'], properties: { 'atomic:operations': { type: 'array', minItems: 1, items: operation } } }),
      },
      responses: {
        200: {
          description: 'Every operation stored; one result per operation, in order (the resource for adds and updates, `{}` otherwise)',
          content: atomicContent({
            type: 'object',
            required: ['atomic:results'],
            properties: {
              jsonapi: ref('JsonApi'),
              'atomic:results': { type: 'array', items: { type: 'object', properties: { data: ref('AnyResource'), meta: { type: 'object' } } } },
            },
          }),
        },
        204: { description: 'Every operation stored; none has a result with data' },
        ...Object.fromEntries(
          Object.entries(errorResponses([400, 401, 403, 404, 405, 406, 409, 413, 415])).map(([code, response]) => [code, { ...response, content: atomicContent(ref('ErrorDocument')) }]),
        ),
      },
    },
  };
}

export function openApiDocument({ publicUrl, signIn }: OpenApiOptions): Record<string, unknown> {
  const schemas: Record<string, Schema> = { ...commonSchemas };
  for (const d of resourceList) Object.assign(schemas, resourceSchemas(d));
  schemas.AnyResource = { oneOf: resourceList.map((d) => ref(`${pascal(d.type)}Resource`)) };
  // Each operation names what the policy asks for (the operations table's);
  // under the default policy that is the scope of the same name.
  const scheme = signIn ? 'oauth2' : 'bearer';
  const paths: Record<string, Schema> = {};
  for (const d of resourceList) {
    const endpoints: [EndpointKind, RelationshipDescription | undefined][] = [
      ['collection', undefined],
      ['resource', undefined],
      ...d.relationships.flatMap((r) => [['related', r], ['relationship', r]] as [EndpointKind, RelationshipDescription][]),
    ];
    for (const [kind, r] of endpoints) {
      const item: Schema = kind === 'collection' ? {} : { parameters: [idParameter] };
      for (const rule of rulesOf(kind, r?.toMany ?? true)) {
        const parameters = parametersOf(rule, d, r);
        item[rule.method.toLowerCase()] = {
          operationId: rule.operationId(d.type, r?.external),
          summary: rule.summary(d, r?.external, r?.toMany),
          tags: [d.type],
          security: [{ [scheme]: [operationOf(rule)] }],
          ...(parameters.length ? { parameters } : {}),
          ...(rule.request ? { requestBody: { required: true, content: content(requestSchema(rule.request, d, r)) } } : {}),
          responses: { ...successResponses(rule, d, r), ...errorResponses(rule.errors) },
        };
      }
      paths[pathOf(kind, d.type, r?.external)] = item;
    }
  }
  paths['/v1/operations'] = atomicPath(scheme);
  const scopes = Object.fromEntries(OPERATIONS.map((operation) => [operation, OPERATION_DESCRIPTIONS[operation]]));
  const securitySchemes = signIn
    ? {
        oauth2: {
          type: 'oauth2',
          description: 'OAuth 2.0 bearer tokens (RFC 6750) from the built-in authorization server or any trusted issuer. Each operation needs the scope named in its security requirement.',
          flows: {
            authorizationCode: { authorizationUrl: signIn.authorizationEndpoint, tokenUrl: signIn.tokenEndpoint, refreshUrl: signIn.tokenEndpoint, scopes },
            clientCredentials: { tokenUrl: signIn.tokenEndpoint, scopes },
          },
        },
      }
    : {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `An OAuth 2.0 bearer token (RFC 6750) from a trusted issuer. Each operation names the scope it needs: ${OPERATIONS.map((o) => `\`${o}\` (${OPERATION_DESCRIPTIONS[o]})`).join(', ')}.`,
        },
      };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Course catalogue: JSON:API',
      version: '1.0.0',
      description: `JSON:API 1.1 routes compatible with the django-jsonapi-training demo. Responses are \`application/vnd.api+json\`; a trailing slash is optional on every path.${signIn ? ' Sign in with the built-in authorization server (authorization code + PKCE).' : ''}`,
    },
    servers: [{ url: publicUrl }],
    tags: [...resourceList.map((d) => ({ name: d.type })), { name: 'operations', description: 'Several writes all or nothing: JSON:API Atomic Operations (https://jsonapi.org/ext/atomic).' }],
    paths,
    components: { schemas, securitySchemes },
  };
}
