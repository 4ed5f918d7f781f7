// The GraphQL door's error codes, once: every `extensions.code` it answers
// with (Apollo's conventions, plus NOT_FOUND, CONFLICT, QUERY_TIMEOUT, …).
/** Every `extensions.code` this door answers with. */
export const GRAPHQL_CODES = {
  badRequest: 'BAD_REQUEST',
  badUserInput: 'BAD_USER_INPUT',
  validationFailed: 'GRAPHQL_VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  tooManyRequests: 'TOO_MANY_REQUESTS',
  serviceUnavailable: 'SERVICE_UNAVAILABLE',
  queryTimeout: 'QUERY_TIMEOUT',
  internal: 'INTERNAL_SERVER_ERROR',
  /** An @atomic mutation was rolled back: nothing of it was stored. */
  rolledBack: 'ROLLED_BACK',
} as const;

export type GraphQLCode = (typeof GRAPHQL_CODES)[keyof typeof GRAPHQL_CODES];
