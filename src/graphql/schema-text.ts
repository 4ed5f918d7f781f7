// The schema as SDL, as committed in schema.graphql.
import { printSchema } from 'graphql';
import { graphqlSchema } from './schema.js';

export async function schemaText(): Promise<string> {
  const header = '# Generated from src/graphql (type-graphql) by `npm run schema:write`; do not edit by hand.\n\n';
  return header + printSchema(await graphqlSchema()) + '\n';
}
