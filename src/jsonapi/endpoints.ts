// The JSON:API door's endpoint table: every path pattern and method, the
// action it performs (whose policy operation comes from the operations table,
// src/resources/operations.ts), the status of its success and of its errors,
// and the documents it takes and gives. The routes (./routes.ts), the OpenAPI
// document (./openapi.ts) and the Postman collection (./postman.ts) are all
// derived from it; nothing else lists the door's endpoints.
import { operationFor, type Action, type Operation } from '../resources/operations.js';

export type EndpointKind = 'collection' | 'resource' | 'related' | 'relationship';

/** Methods with a row in the table; HEAD is answered wherever GET is (RFC 9110 §9.3.2). */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Path patterns, `{name}` standing for one non-empty segment. */
export const PATHS: Readonly<Record<EndpointKind, string>> = {
  collection: '/v1/{type}',
  resource: '/v1/{type}/{id}',
  related: '/v1/{type}/{id}/{relationship}',
  relationship: '/v1/{type}/{id}/relationships/{relationship}',
};

/** A request body: a new resource, a changed one, or a relationship's linkage. */
export type RequestDocument = 'create' | 'update' | 'linkage';

/**
 * A successful answer's document: a page of resources (with pagination links
 * and meta), one resource, the related resources (a page for a to-many, one
 * resource or null for a to-one), a relationship's linkage, or none (204).
 */
export type ResponseDocument = 'page' | 'resource' | 'related' | 'linkage' | 'none';

export interface EndpointRule {
  kind: EndpointKind;
  method: Method;
  action: Action;
  /** JSON:API 1.1 defines POST and DELETE on to-many relationship URLs only; elsewhere 405. */
  toManyOnly?: boolean;
  request?: RequestDocument;
  /** The success status for a caller who may read the answer, and its document. */
  status: 200 | 201 | 204;
  response: ResponseDocument;
  /**
   * 204 No Content instead, for a caller who may write but not read
   * (JSON:API 1.1 §"Updating Relationships" allows either).
   */
  identityOnly?: 204;
  /** The error statuses the endpoint answers, each with an error document. */
  errors: readonly number[];
  /** OpenAPI operationId and the Postman request name; `type` and `relationship` are external names. */
  operationId(type: string, relationship?: string): string;
  summary(names: { type: string; label: string }, relationship?: string, toMany?: boolean): string;
}

/** "a course", "an instructor". */
const a = (label: string) => `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;

// Every endpoint may answer these: bad parameters, no or bad token, a token
// without the operation's scope, an Accept that allows no JSON:API answer.
const common = [400, 401, 403, 406];
const reads = [...common, 404];
// Writes read a body: a malformed or invalid one is 400, a body too large 413,
// another media type 415, a type or id that does not match 409.
const writes = [...common, 404, 409, 413, 415];

export const ENDPOINTS: readonly EndpointRule[] = [
  {
    kind: 'collection', method: 'GET', action: 'list', status: 200, response: 'page', errors: common,
    operationId: (t) => `list_${t}`, summary: ({ type }) => `List ${type}`,
  },
  {
    kind: 'collection', method: 'POST', action: 'create', request: 'create', status: 201, response: 'resource', errors: writes,
    operationId: (t) => `create_${t}`, summary: ({ label }) => `Create ${a(label)}`,
  },
  {
    kind: 'resource', method: 'GET', action: 'get', status: 200, response: 'resource', errors: reads,
    operationId: (t) => `get_${t}`, summary: ({ label }) => `Fetch ${a(label)}`,
  },
  {
    kind: 'resource', method: 'PATCH', action: 'update', request: 'update', status: 200, response: 'resource', errors: writes,
    operationId: (t) => `update_${t}`, summary: ({ label }) => `Update ${a(label)}`,
  },
  {
    kind: 'resource', method: 'DELETE', action: 'delete', status: 204, response: 'none', errors: reads,
    operationId: (t) => `delete_${t}`, summary: ({ label }) => `Delete ${a(label)}`,
  },
  {
    kind: 'related', method: 'GET', action: 'related', status: 200, response: 'related', errors: reads,
    operationId: (t, r) => `get_${t}_${r}`, summary: ({ label }, r) => `Fetch the ${r} of ${a(label)}`,
  },
  {
    kind: 'relationship', method: 'GET', action: 'related', status: 200, response: 'linkage', errors: reads,
    operationId: (t, r) => `get_${t}_relationships_${r}`, summary: ({ label }, r) => `Fetch the ${r} linkage of ${a(label)}`,
  },
  {
    kind: 'relationship', method: 'PATCH', action: 'replace', request: 'linkage', status: 200, response: 'linkage', identityOnly: 204, errors: writes,
    operationId: (t, r) => `replace_${t}_relationships_${r}`,
    summary: ({ label }, r, toMany) => (toMany ? `Replace the ${r} of ${a(label)}` : `Set or clear the ${r} of ${a(label)}`),
  },
  {
    kind: 'relationship', method: 'POST', action: 'add', toManyOnly: true, request: 'linkage', status: 200, response: 'linkage', identityOnly: 204, errors: writes,
    operationId: (t, r) => `add_${t}_relationships_${r}`, summary: ({ label }, r) => `Add to the ${r} of ${a(label)}`,
  },
  {
    kind: 'relationship', method: 'DELETE', action: 'remove', toManyOnly: true, request: 'linkage', status: 200, response: 'linkage', identityOnly: 204, errors: writes,
    operationId: (t, r) => `remove_${t}_relationships_${r}`, summary: ({ label }, r) => `Remove from the ${r} of ${a(label)}`,
  },
];

/** The operation the policy is asked for before a rule's action (the operations table's). */
export function operationOf(rule: EndpointRule): Operation {
  return operationFor(rule.action);
}

/** The rules of one kind of endpoint, in the table's order. */
export function rulesOf(kind: EndpointKind, toMany = true): EndpointRule[] {
  return ENDPOINTS.filter((e) => e.kind === kind && (toMany || !e.toManyOnly));
}

const ruleIndex = new Map(ENDPOINTS.map((e) => [`${e.kind} ${e.method}`, e]));

/** The rule for a request's method (HEAD as GET), or undefined: 405. */
export function ruleFor(kind: EndpointKind, method: string): EndpointRule | undefined {
  return ruleIndex.get(`${kind} ${method === 'HEAD' ? 'GET' : method}`);
}

/** The Allow header of an endpoint (RFC 9110 §10.2.1): its methods, HEAD beside GET. */
export function allowOf(kind: EndpointKind, toMany = true): string {
  return rulesOf(kind, toMany)
    .flatMap((e) => (e.method === 'GET' ? ['GET', 'HEAD'] : [e.method]))
    .join(', ');
}

/** A path pattern filled in; ids are left as `{id}` unless given. */
export function pathOf(kind: EndpointKind, type: string, relationship = '', id = '{id}'): string {
  return PATHS[kind].replace('{type}', type).replace('{id}', id).replace('{relationship}', relationship);
}

export type Endpoint =
  | { kind: 'collection'; type: string }
  | { kind: 'resource'; type: string; id: string }
  | { kind: 'related'; type: string; id: string; rel: string }
  | { kind: 'relationship'; type: string; id: string; rel: string };

// The patterns as segments after /v1, most specific first so that a literal
// segment (`relationships`) wins over a placeholder.
const patterns = (Object.entries(PATHS) as [EndpointKind, string][])
  .map(([kind, path]) => ({ kind, segments: path.split('/').slice(2) }))
  .sort((a, b) => b.segments.length - a.segments.length);

/**
 * The endpoint a path under /v1 names (already decoded segments), or undefined.
 * One trailing slash is the demo's URL style; an empty segment anywhere else
 * (`/v1/courses//`) names nothing.
 */
export function matchEndpoint(segments: readonly string[]): Endpoint | undefined {
  for (const { kind, segments: pattern } of patterns) {
    if (pattern.length !== segments.length) continue;
    const values: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const s = segments[i]!;
      if (p.startsWith('{')) {
        ok = s !== '';
        values[p.slice(1, -1)] = s;
      } else ok = p === s;
    }
    if (!ok) continue;
    const { type = '', id = '', relationship = '' } = values;
    switch (kind) {
      case 'collection':
        return { kind, type };
      case 'resource':
        return { kind, type, id };
      case 'related':
        return { kind, type, id, rel: relationship };
      case 'relationship':
        return { kind, type, id, rel: relationship };
    }
  }
  return undefined;
}
