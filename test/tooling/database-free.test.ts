// CI's Node.js 24 PostgreSQL pass leaves out the test files that cannot reach
// the pass's database (test/support/database-free.mjs): a file that does reach
// it, however indirectly, must never be left out.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { databaseFreeTestFiles } from '../support/database-free.mjs';

const root = mkdtempSync(join(tmpdir(), 'database-free-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

test('a file is database-free only when no chain of relative imports reaches test/support/database.ts', () => {
  write('test/support/database.ts', 'export const testDatabaseUrl = process.env.TEST_DATABASE_URL;\n');
  write('test/support/server.ts', "import { createTestDatabase } from './database.js';\nexport const start = createTestDatabase;\n");
  write('test/support/cycle-a.ts', "import { b } from './cycle-b.js';\nexport const a = b;\n");
  write('test/support/cycle-b.ts', "import { a } from './cycle-a.js';\nexport const b = a;\n");
  write('test/direct.test.ts', "import { testDatabaseUrl } from './support/database.js';\n");
  write('test/deep/indirect.test.ts', "import {\n  start,\n} from '../support/server.js';\n");
  write('test/dynamic.test.ts', "const { start } = await import('./support/server.js');\n");
  write('test/type-only.test.ts', "import type { Database } from './support/database.js';\n");
  write('test/free.test.ts', "import { a } from './support/cycle-a.js';\nimport pg from 'pg';\n// './support/database.js' in a comment is not an import\n");
  write('test/issuer.test.ts', "import { StandInIssuer } from './support/issuer.mjs';\n");
  write('test/support/issuer.mts', 'export class StandInIssuer {}\n');
  expect(databaseFreeTestFiles(root)).toEqual(['test/free.test.ts', 'test/issuer.test.ts']);
});

test("this project's own list: the files that start the built server on PGlite of their own are in it, the ones on the test database are not", () => {
  const free = databaseFreeTestFiles(join(import.meta.dirname, '../..'));
  expect(free).toEqual(expect.arrayContaining(['test/http/lifecycle.test.ts', 'test/cli/build.test.ts', 'test/auth/jwt.test.ts']));
  for (const file of ['test/jsonapi/protocol.test.ts', 'test/import/memory.test.ts', 'test/db/statement-timeout.test.ts']) expect(free).not.toContain(file);
});
