// The calendar-date scalar: the services store dates at UTC midnight and take
// "YYYY-MM-DD" text, as the JSON:API door does.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { formatDate, parseDate } from '../resources/validation.js';
import { GRAPHQL_CODES } from './codes.js';

function parse(value: unknown): string {
  if (typeof value === 'string' && parseDate(value)) return value;
  throw new GraphQLError(`Date must be a real calendar date written YYYY-MM-DD; got ${JSON.stringify(value)}.`, {
    extensions: { code: GRAPHQL_CODES.badUserInput },
  });
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, written YYYY-MM-DD (ISO 8601).',
  serialize(value) {
    if (value instanceof Date) return formatDate(value)!;
    if (typeof value === 'string' && parseDate(value)) return value;
    throw new GraphQLError('Date cannot represent this value.');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string written YYYY-MM-DD.', { nodes: ast, extensions: { code: GRAPHQL_CODES.badUserInput } });
    return parse(ast.value);
  },
});
