// Which test files never reach the test database of their pass: the ones that
// do not import test/support/database.ts, directly or through the modules
// they import (relative imports only: that file is the one place that reads
// TEST_DATABASE_URL). They start the built server on a PGlite of their own,
// or use no database at all, so they run the same in a PGlite pass and in a
// PostgreSQL pass on one runtime. jest.config.js leaves them out when
// TEST_DATABASE_FILES_ONLY=1 (CI's Node.js 24 PostgreSQL pass; its PGlite
// pass runs them). Read from the sources each time: nothing to keep up to date.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Test files (paths relative to `root`, with `/`) that cannot reach test/support/database.ts. */
export function databaseFreeTestFiles(root) {
  const database = resolve(root, 'test/support/database.ts');
  const imports = new Map();
  const importsOf = (file) => {
    let found = imports.get(file);
    if (found) return found;
    found = [];
    imports.set(file, found);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const path = resolve(dirname(file), specifier);
      // TypeScript sources are imported by their .js (or .mjs) names.
      const hit = [path, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts')].find((p) => existsSync(p));
      if (hit) found.push(hit);
    }
    return found;
  };
  const reaches = (file, seen) => file === database || (!seen.has(file) && (seen.add(file), importsOf(file).some((next) => reaches(next, seen))));
  const testFiles = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    });
  return testFiles(resolve(root, 'test'))
    .filter((file) => !reaches(file, new Set()))
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
}
