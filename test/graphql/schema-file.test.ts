// schema.graphql is committed and must match the code (CI also runs
// `npm run graphql:check`, which checks the generated typed documents too).
import { readFileSync } from 'node:fs';
import { expect, test } from '@jest/globals';
import { schemaText } from '../../src/graphql/schema-text.js';

test('schema.graphql is up to date (npm run schema:write)', async () => {
  const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
  // Two strings that differ fail with a line diff: "- Expected" lines are what
  // the code prints now, "+ Received" lines what schema.graphql says.
  expect(committed).toBe(await schemaText());
});
