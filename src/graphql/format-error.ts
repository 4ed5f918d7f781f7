// The last word on every error in a GraphQL response: what the services and
// the schema said stays; anything unexpected is logged and masked, never sent
// with its message or stack.
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../http/logger.js';

export function formatError(logger?: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR' || original instanceof GraphQLError) return formatted;
    logger?.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL resolver');
    return { message: 'Internal server error.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
