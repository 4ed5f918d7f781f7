// Builds one minimal operation for every root field of the schema, with
// argument values the schema accepts, for the authorization matrix.
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Operation } from '../../../src/auth/types.js';

export const committedSchema = (): GraphQLSchema => buildSchema(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));

const someId = '00000000-0000-4000-8000-000000000000';

function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) if (isNonNullType(field.type)) value[field.name] = sample(field.type);
    return value;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return someId;
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return true;
      case 'Date':
        return '2024-01-01';
      default:
        return 'x';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

export interface RootOperation {
  field: string;
  kind: 'query' | 'mutation';
  /** What the policy calls it, from the field name. */
  needs: Operation;
  document: string;
  variables: Record<string, unknown>;
}

function needs(kind: 'query' | 'mutation', field: string): Operation {
  if (kind === 'query') return 'read';
  // Adding to a relationship is `create` and removing `delete`, as REST's POST/DELETE on it.
  if (field.startsWith('create') || field.startsWith('add')) return 'create';
  if (field.startsWith('delete') || field.startsWith('remove')) return 'delete';
  return 'update'; // update…, set…
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): RootOperation {
  const params = field.args.filter((a) => isNonNullType(a.type));
  const declared = params.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passed = params.map((a) => `${a.name}: $${a.name}`).join(', ');
  const type = getNamedType(field.type);
  const selection = isObjectType(type) ? (type.getFields().totalCount ? ' { totalCount }' : ' { id }') : '';
  return {
    field: field.name,
    kind,
    needs: needs(kind, field.name),
    document: `${kind}${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(params.map((a) => [a.name, sample(a.type)])),
  };
}

export function rootOperations(schema: GraphQLSchema): RootOperation[] {
  return [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => operation('query', f)),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => operation('mutation', f)),
  ];
}
