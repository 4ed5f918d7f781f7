// The one error vocabulary of the services. Each front door maps these once:
// src/jsonapi/errors.ts to JSON:API error objects, src/graphql to GraphQL codes.

/** Where a problem lies, in the services' own terms; the doors translate it. */
export type ErrorSource =
  | { kind: 'attribute'; name: string } // a field of a resource (camelCase model field)
  | { kind: 'relationship'; name: string }
  | { kind: 'id' }
  | { kind: 'filter'; name: string } // a filter path, e.g. "courseTerms.termIdentifier"
  | { kind: 'search' }
  | { kind: 'sort'; name: string }
  | { kind: 'page'; name: string };

export interface Problem {
  detail: string;
  source?: ErrorSource;
  /**
   * The rules refuse the change itself, whatever its values (a member that
   * needs its owner cannot be removed): JSON:API answers 403 (1.1 "Updating
   * To-Many Relationships"), GraphQL keeps its validation code.
   */
  refused?: boolean;
}

export abstract class ServiceError extends Error {
  abstract readonly code: 'not_found' | 'conflict' | 'validation' | 'unauthenticated' | 'forbidden' | 'unavailable' | 'timeout';
  readonly problems: Problem[];
  constructor(problems: Problem[] | string, source?: ErrorSource) {
    const list = typeof problems === 'string' ? [{ detail: problems, source }] : problems;
    super(list.map((p) => p.detail).join(' '));
    this.problems = list;
    this.name = new.target.name;
  }
}

/** The HTTP status of each kind of service error, for both doors' answers. */
export const SERVICE_ERROR_STATUS: Readonly<Record<ServiceError['code'], number>> = {
  not_found: 404,
  conflict: 409,
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  unavailable: 503,
  timeout: 503,
};

export class NotFoundError extends ServiceError {
  readonly code = 'not_found' as const;
}
export class ConflictError extends ServiceError {
  readonly code = 'conflict' as const;
}
/** A row rule of the policy refuses a write to a row the caller may see (src/resources/row-access.ts). */
export class ForbiddenError extends ServiceError {
  readonly code = 'forbidden' as const;
}
export class ValidationError extends ServiceError {
  readonly code = 'validation' as const;
}
export class UnavailableError extends ServiceError {
  readonly code = 'unavailable' as const;
}
/** The database stopped a statement that ran past its time limit (PostgreSQL's statement_timeout). */
export class QueryTimeoutError extends ServiceError {
  readonly code = 'timeout' as const;
}
