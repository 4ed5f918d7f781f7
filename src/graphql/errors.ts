// The one translation of the services' error vocabulary and the auth errors into
// GraphQL errors. `extensions.code` follows Apollo's conventions
// (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, …) plus NOT_FOUND, CONFLICT,
// SERVICE_UNAVAILABLE and QUERY_TIMEOUT; `extensions.field` is the argument
// path of the first problem (e.g. "input.courseIdentifier",
// "filter.courseTerms.termIdentifier.regex"), and `extensions.problems` lists
// every problem with its own path.
import { GraphQLError } from 'graphql';
import { InsufficientScopeError, isAuthError, type AuthError } from '../auth/errors.js';
import { ServiceError, type ErrorSource } from '../errors.js';
import type { Lookup, ResourceDescription } from '../resources/description.js';
import { resources } from '../resources/registry.js';
import { linkageArg } from './naming.js';
import { GRAPHQL_CODES, type GraphQLCode } from './codes.js';
import { lookupOperator } from './types/filter-inputs.js';

export { GRAPHQL_CODES, type GraphQLCode };

const codes: Readonly<Record<ServiceError['code'], GraphQLCode>> = {
  validation: GRAPHQL_CODES.badUserInput,
  not_found: GRAPHQL_CODES.notFound,
  conflict: GRAPHQL_CODES.conflict,
  unauthenticated: GRAPHQL_CODES.unauthenticated,
  forbidden: GRAPHQL_CODES.forbidden,
  unavailable: GRAPHQL_CODES.serviceUnavailable,
  timeout: GRAPHQL_CODES.queryTimeout,
};

/** An auth error's code, by its HTTP status. */
export function authCode(error: AuthError): GraphQLCode {
  switch (error.status) {
    case 429:
      return GRAPHQL_CODES.tooManyRequests;
    case 400:
      return GRAPHQL_CODES.badRequest;
    case 401:
      return GRAPHQL_CODES.unauthenticated;
    case 403:
      return GRAPHQL_CODES.forbidden;
    default:
      return GRAPHQL_CODES.serviceUnavailable;
  }
}

/** Where the arguments of the failing field keep what the services call attributes and relationships. */
export interface ArgumentPlaces {
  description: ResourceDescription;
  /** The input object argument of a create/update ("input"); none when linkage ids are top-level arguments. */
  input?: string;
}

export function argumentPath(source: ErrorSource | undefined, places: ArgumentPlaces): string | undefined {
  if (!source) return undefined;
  const inInput = (name: string) => (places.input ? `${places.input}.${name}` : name);
  switch (source.kind) {
    case 'attribute':
      return inInput(source.name);
    case 'relationship': {
      // A nested member's ("courseTerms.0.instructors"): its relationship in the member's input.
      const [field = '', index, name] = source.name.split('.');
      const owner = places.description.relationships.find((r) => r.field === field);
      if (name !== undefined && owner) {
        const rel = resources[owner.target].relationships.find((r) => r.field === name);
        return inInput(`${field}.${index}.${rel ? linkageArg(rel) : name}`);
      }
      const rel = places.description.relationships.find((r) => r.field === source.name);
      return inInput(rel ? linkageArg(rel) : source.name);
    }
    case 'id':
      return 'id';
    case 'filter': {
      const dot = source.name.lastIndexOf('.');
      return `filter.${source.name.slice(0, dot)}.${lookupOperator(source.name.slice(dot + 1) as Lookup)}`;
    }
    case 'search':
      return 'search';
    case 'sort':
      return 'sort';
    case 'page':
      return source.name;
  }
}

/** A service or auth error as the GraphQL error clients see; anything else is returned unchanged (and masked later). */
export function toGraphQLError(error: unknown, places?: ArgumentPlaces): unknown {
  if (error instanceof GraphQLError) return error;
  if (isAuthError(error)) {
    return new GraphQLError(error.message, {
      extensions: { code: authCode(error), ...(error instanceof InsufficientScopeError ? { scope: error.scope } : {}) },
      originalError: error,
    });
  }
  if (!(error instanceof ServiceError)) return error;
  const problems = error.problems.map((p) => ({ message: p.detail, field: places ? argumentPath(p.source, places) : undefined }));
  const field = problems.find((p) => p.field)?.field;
  const message = problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join(' ');
  return new GraphQLError(message, {
    extensions: { code: codes[error.code], ...(field ? { field } : {}), problems },
    originalError: error,
  });
}

/** Runs a service call and translates what it throws. */
export async function translated<T>(places: ArgumentPlaces, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toGraphQLError(error, places);
  }
}
