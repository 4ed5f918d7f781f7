// JSON:API error objects (JSON:API 1.1 §7 "Errors"), and the one translation of
// the services' error vocabulary (src/errors.ts) and the auth errors
// (src/auth/errors.ts) into them. The services speak of model fields; this
// module names the request's members (`source.pointer`) and parameters
// (`source.parameter`) instead.
import { authErrorResponse } from '../auth/errors.js';
import { SERVICE_ERROR_STATUS, ServiceError, type ErrorSource, type Problem } from '../errors.js';
import { bodyReadError } from '../http/body-errors.js';
import type { ResourceDescription } from '../resources/description.js';

export interface ErrorSourceObject {
  pointer?: string;
  parameter?: string;
  header?: string;
}

export interface ErrorObject {
  status: string;
  code: string;
  title: string;
  detail: string;
  source?: ErrorSourceObject;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function errorObject(status: number, code: string, detail: string, source?: ErrorSourceObject): ErrorObject {
  return { status: String(status), code, title: titles[status] ?? 'Error', detail, ...(source ? { source } : {}) };
}

/** An error the door answers itself (bad parameter, bad document, negotiation). */
export class JsonApiError extends Error {
  errors: ErrorObject[];
  constructor(
    readonly status: number,
    code: string,
    detail: string,
    source?: ErrorSourceObject,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'JsonApiError';
    this.errors = [errorObject(status, code, detail, source)];
  }

  /** Several problems of the same status (e.g. every unknown attribute of a body). */
  static many(status: number, errors: ErrorObject[]): JsonApiError {
    const error = new JsonApiError(status, errors[0]!.code, errors.map((e) => e.detail).join(' '));
    error.errors = errors;
    return error;
  }
}

/** The largest request body /v1 reads. */
export const BODY_LIMIT = '1mb';

export const badParameter = (parameter: string, detail: string, code = 'invalid_parameter') => new JsonApiError(400, code, detail, { parameter });

/**
 * How to name a service problem's source in this request: the resource the
 * body describes, where its members sit (`/data` for resource documents; a
 * relationship endpoint's body is the linkage itself), and the query
 * parameters the request's filters came from.
 */
export interface ErrorScope {
  description?: ResourceDescription;
  /** Set on relationship endpoints: every relationship problem points at `/data`. */
  relationshipBody?: boolean;
  /** "path.lookup" (the services' filter source name) → the query parameter it came from. */
  filterParameters?: ReadonlyMap<string, string>;
  /** Whether `id` problems concern the body's /data/id (POST/PATCH) rather than the URL. */
  idInBody?: boolean;
}

function sourceOf(source: ErrorSource | undefined, scope: ErrorScope): ErrorSourceObject | undefined {
  if (!source) return undefined;
  const d = scope.description;
  switch (source.kind) {
    case 'attribute': {
      const external = d?.attributes.find((a) => a.field === source.name)?.external ?? source.name;
      return { pointer: `/data/attributes/${external}` };
    }
    case 'relationship': {
      if (scope.relationshipBody) return { pointer: '/data' };
      const external = d?.relationships.find((r) => r.field === source.name)?.external ?? source.name;
      return { pointer: `/data/relationships/${external}` };
    }
    case 'id':
      return scope.idInBody ? { pointer: '/data/id' } : undefined;
    case 'filter':
      return { parameter: scope.filterParameters?.get(source.name) ?? `filter[${source.name}]` };
    case 'search':
      return { parameter: 'filter[search]' };
    case 'sort':
      return { parameter: 'sort' };
    case 'page':
      return { parameter: source.name === 'limit' ? 'page[size]' : 'page[number]' };
  }
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  document: { errors: ErrorObject[] };
}

/** Any thrown value → the JSON:API error response; null when it is not one we know (a bug: 500). */
export function errorResponse(error: unknown, scope: ErrorScope = {}): ErrorResponse | null {
  const auth = authErrorResponse(error);
  if (auth) {
    return { status: auth.status, headers: auth.headers, document: { errors: [{ status: String(auth.status), code: auth.code, title: auth.title, detail: auth.detail }] } };
  }
  if (error instanceof JsonApiError) return { status: error.status, headers: error.headers, document: { errors: error.errors } };
  if (error instanceof ServiceError) {
    let status = SERVICE_ERROR_STATUS[error.code];
    // A duplicate natural key is a validation error in the demo (DRF's unique
    // validator: 400); only a taken client-generated id is JSON:API's 409
    // (JSON:API 1.1 §"Creating Resources": "409 Conflict").
    if (error.code === 'conflict' && !error.problems.some((p) => p.source?.kind === 'id')) status = 400;
    const code = error.code === 'conflict' ? (status === 409 ? 'conflict' : 'unique') : error.code === 'timeout' ? 'query_timeout' : error.code;
    return {
      status,
      // RFC 9110 §10.2.3: when a stopped query may be worth retrying.
      headers: error.code === 'timeout' ? { 'Retry-After': '5' } : {},
      document: {
        errors: error.problems.map((p: Problem) => {
          const source = sourceOf(p.source, scope);
          return { status: String(status), code, title: titles[status] ?? 'Error', detail: p.detail, ...(source ? { source } : {}) };
        }),
      },
    };
  }
  const body = bodyReadError(error, BODY_LIMIT);
  if (body) {
    return { status: body.status, headers: {}, document: { errors: [{ status: String(body.status), code: body.code, title: titles[body.status] ?? 'Error', detail: body.detail, source: { pointer: '' } }] } };
  }
  return null;
}

export const internalError: ErrorResponse = {
  status: 500,
  headers: {},
  document: { errors: [{ status: '500', code: 'internal', title: titles[500]!, detail: 'The server failed to answer this request; it has been logged.' }] },
};
