// The last word on every error in a GraphQL response: what the services and
// the schema said stays; anything unexpected is logged and masked, never sent
// with its message or stack.
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../logger.js';
import { GRAPHQL_CODES } from './codes.js';

export interface FormatErrorOptions {
  /**
   * Drop graphql-js's "Did you mean …?" hints (field, argument, type, enum
   * value and input field names): with introspection off they would leak the
   * schema name by name. Validation already runs with `hideSuggestions`; this
   * also covers errors raised during execution (variables coerced against
   * enums and input types), which graphql-js words the same way.
   */
  hideSuggestions?: boolean;
}

/** graphql-js's didYouMean(): " Did you mean "a", "b", or "c"?" / " Did you mean the enum value "A"?" (names never contain "?"). */
const suggestion = /\s*Did you mean [^?]*\?/g;

export function formatError(logger?: Logger, options: FormatErrorOptions = {}) {
  const hide = (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (!options.hideSuggestions) return formatted;
    const message = formatted.message.replace(suggestion, '');
    return message === formatted.message ? formatted : { ...formatted, message };
  };
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (formatted.extensions?.code !== GRAPHQL_CODES.internal || original instanceof GraphQLError) return hide(formatted);
    logger?.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL resolver');
    return { message: 'Internal server error.', path: formatted.path, locations: formatted.locations, extensions: { code: GRAPHQL_CODES.internal } };
  };
}
