// Writes the schema to schema.graphql (`npm run schema:write`, part of the
// build), or with --check fails when the committed file is stale
// (`npm run graphql:check`, for CI).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertResourcesMatchSchema } from '../../resources/registry.js';
import { ResourceSchemaError } from '../../resources/schema-check.js';
import { schemaText } from '../schema-text.js';

async function main(): Promise<void> {
  // The build stops here, naming the fields, when a description disagrees with prisma/schema.prisma.
  try {
    assertResourcesMatchSchema();
  } catch (error) {
    if (!(error instanceof ResourceSchemaError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const file = resolve(process.argv.find((a) => a.endsWith('.graphql')) ?? 'schema.graphql');
  const text = await schemaText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${file} is stale: run \`npm run schema:write\` and commit it.`);
      process.exit(1);
    }
    console.log(`${file} is up to date.`);
    return;
  }
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

await main();
