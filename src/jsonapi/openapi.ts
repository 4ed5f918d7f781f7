// The OpenAPI 3.1 document of the JSON:API door, derived from the resource
// descriptions: one schema per resource, the query parameters each endpoint
// accepts, and OAuth 2.0 security naming the scope each operation needs (the
// built-in authorization server's endpoints; any trusted issuer works too).
import type { AttributeDescription, ResourceDescription } from '../resources/description.js';
import { resourceList, resources } from '../resources/registry.js';
import { DEFAULT_PAGE_SIZE, MAX_INCLUDE_DEPTH, MAX_PAGE_SIZE } from './parameters.js';
import { MEDIA_TYPE } from './negotiation.js';

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

const errorResponses = (codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [
      String(code),
      {
        description:
          {
            400: 'Bad request: an unknown or malformed parameter (`source.parameter`), or a malformed or invalid document (`source.pointer`)',
            401: 'No or invalid access token (see `WWW-Authenticate`)',
            403: 'The access token lacks the scope for this operation',
            404: 'No such resource, or linkage to a resource that does not exist',
            405: 'Method not allowed on this endpoint',
            406: 'The Accept header allows no JSON:API response',
            409: 'The type or id does not match the endpoint, or the client-generated id is taken',
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
  /** The built-in authorization server's base, e.g. http://host/oauth. */
  oauthBase: string;
}

export function openApiDocument({ publicUrl, oauthBase }: OpenApiOptions): Record<string, unknown> {
  const schemas: Record<string, Schema> = { ...commonSchemas };
  for (const d of resourceList) Object.assign(schemas, resourceSchemas(d));
  schemas.AnyResource = { oneOf: resourceList.map((d) => ref(`${pascal(d.type)}Resource`)) };
  const security = (scope: string) => [{ oauth2: [scope] }];
  const paths: Record<string, Schema> = {};
  for (const d of resourceList) {
    const name = pascal(d.type);
    const tags = [d.type];
    paths[`/v1/${d.type}`] = {
      get: {
        operationId: `list_${d.type}`,
        summary: `List ${d.type}`,
        tags,
        security: security('read'),
        parameters: parametersFor(d, 'collection'),
        responses: { 200: { description: `A page of ${d.type}`, content: content(ref(`${name}CollectionDocument`)) }, ...errorResponses([400, 401, 403, 406]) },
      },
      post: {
        operationId: `create_${d.type}`,
        summary: `Create a ${d.label}`,
        tags,
        security: security('create'),
        parameters: parametersFor(d, 'single'),
        requestBody: { required: true, content: content(ref(`${name}Create`)) },
        responses: {
          201: { description: 'Created', headers: { Location: { schema: { type: 'string', format: 'uri' } } }, content: content(ref(`${name}Document`)) },
          ...errorResponses([400, 401, 403, 404, 406, 409, 415]),
        },
      },
    };
    paths[`/v1/${d.type}/{id}`] = {
      parameters: [idParameter],
      get: {
        operationId: `get_${d.type}`,
        summary: `Fetch a ${d.label}`,
        tags,
        security: security('read'),
        parameters: parametersFor(d, 'single'),
        responses: { 200: { description: 'The resource', content: content(ref(`${name}Document`)) }, ...errorResponses([400, 401, 403, 404, 406]) },
      },
      patch: {
        operationId: `update_${d.type}`,
        summary: `Update a ${d.label}`,
        tags,
        security: security('update'),
        parameters: parametersFor(d, 'single'),
        requestBody: { required: true, content: content(ref(`${name}Update`)) },
        responses: { 200: { description: 'Updated', content: content(ref(`${name}Document`)) }, ...errorResponses([400, 401, 403, 404, 406, 409, 415]) },
      },
      delete: {
        operationId: `delete_${d.type}`,
        summary: `Delete a ${d.label}`,
        tags,
        security: security('delete'),
        responses: { 204: { description: 'Deleted' }, ...errorResponses([401, 403, 404, 406]) },
      },
    };
    for (const r of d.relationships) {
      const target = resources[r.target];
      const targetName = pascal(target.type);
      const identifier = ref(`${targetName}Identifier`);
      const linkage = { type: 'object', required: ['data'], properties: { data: r.toMany ? { type: 'array', items: identifier } : { oneOf: [identifier, { type: 'null' }] } } };
      const linkageResponse = { type: 'object', properties: { jsonapi: ref('JsonApi'), links: ref('RelationshipLinks'), data: linkage.properties.data } };
      paths[`/v1/${d.type}/{id}/${r.external}`] = {
        parameters: [idParameter],
        get: {
          operationId: `get_${d.type}_${r.external}`,
          summary: `Fetch the ${r.external} of a ${d.label}`,
          tags,
          security: security('read'),
          parameters: parametersFor(target, r.toMany ? 'collection' : 'single'),
          responses: {
            200: { description: `The related ${target.type}`, content: content(r.toMany ? ref(`${targetName}CollectionDocument`) : { oneOf: [ref(`${targetName}Document`), { type: 'object', properties: { data: { type: 'null' } } }] }) },
            ...errorResponses([400, 401, 403, 404, 406]),
          },
        },
      };
      const rel: Schema = {
        parameters: [idParameter],
        get: {
          operationId: `get_${d.type}_relationships_${r.external}`,
          summary: `Fetch the ${r.external} linkage of a ${d.label}`,
          tags,
          security: security('read'),
          responses: { 200: { description: 'The linkage', content: content(linkageResponse) }, ...errorResponses([401, 403, 404, 406]) },
        },
        patch: {
          operationId: `replace_${d.type}_relationships_${r.external}`,
          summary: r.toMany ? `Replace the ${r.external} of a ${d.label}` : `Set or clear the ${r.external} of a ${d.label}`,
          tags,
          security: security('update'),
          requestBody: { required: true, content: content(linkage) },
          responses: { 200: { description: 'The linkage as it now is', content: content(linkageResponse) }, ...errorResponses([400, 401, 403, 404, 406, 409, 415]) },
        },
      };
      if (r.toMany) {
        rel.post = {
          operationId: `add_${d.type}_relationships_${r.external}`,
          summary: `Add to the ${r.external} of a ${d.label}`,
          tags,
          security: security('create'),
          requestBody: { required: true, content: content(linkage) },
          responses: { 200: { description: 'The linkage as it now is', content: content(linkageResponse) }, ...errorResponses([400, 401, 403, 404, 406, 409, 415]) },
        };
        rel.delete = {
          operationId: `remove_${d.type}_relationships_${r.external}`,
          summary: `Remove from the ${r.external} of a ${d.label}`,
          tags,
          security: security('delete'),
          requestBody: { required: true, content: content(linkage) },
          responses: { 200: { description: 'The linkage as it now is', content: content(linkageResponse) }, ...errorResponses([400, 401, 403, 404, 406, 409, 415]) },
        };
      }
      paths[`/v1/${d.type}/{id}/relationships/${r.external}`] = rel;
    }
  }
  const scopes = { read: 'Read the course catalogue', create: 'Add to the course catalogue', update: 'Change the course catalogue', delete: 'Delete from the course catalogue' };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Course catalogue: JSON:API',
      version: '1.0.0',
      description:
        'JSON:API 1.1 routes compatible with the django-jsonapi-training demo. Responses are `application/vnd.api+json`; a trailing slash is optional on every path. Sign in with the built-in authorization server (authorization code + PKCE).',
    },
    servers: [{ url: publicUrl }],
    tags: resourceList.map((d) => ({ name: d.type })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          description: 'OAuth 2.0 bearer tokens (RFC 6750). Each operation needs the scope named in its security requirement.',
          flows: {
            authorizationCode: { authorizationUrl: `${oauthBase}/auth`, tokenUrl: `${oauthBase}/token`, refreshUrl: `${oauthBase}/token`, scopes },
            clientCredentials: { tokenUrl: `${oauthBase}/token`, scopes },
          },
        },
      },
    },
  };
}
