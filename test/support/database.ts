// A fresh, migrated database for one test file: in-memory PGlite by default,
// or a new database of its own on the server named by TEST_DATABASE_URL.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { applyMigrations, readMigrationsList } from '../../src/db/migrations.js';
import { projectPath } from '../../src/paths.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<Database> {
  let db: Database;
  if (testDatabaseUrl) {
    const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${name}`;
    const inner = await openDatabase({ url: url.toString(), poolSize: 5 });
    db = {
      ...inner,
      async close() {
        await inner.close();
        const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  } else if (options.migrate !== false) {
    // Starts from the migrated template, and still applies migrations (none are pending).
    db = await openDatabase({ dataDir: 'memory://', pgliteDataDir: await migratedPgliteTemplate() });
  } else {
    db = await openDatabase({ dataDir: 'memory://' });
  }
  if (options.migrate !== false) await applyMigrations(db.migrationAdapterFactory);
  return db;
}

/**
 * A migrated, empty PGlite data folder, made once per set of migrations and
 * PGlite version and shared by every test process through a file in the
 * temporary folder: a new PGlite runs initdb, seconds of CPU each time, while
 * loading this tarball costs a fraction of that.
 */
async function migratedPgliteTemplate(): Promise<Blob> {
  const key = createHash('sha256').update(await readFile(projectPath('node_modules/@electric-sql/pglite/package.json')));
  for (const m of (await readMigrationsList()).migrationDirectories) {
    key.update(m.path).update(m.migrationFile.content.tag === 'ok' ? m.migrationFile.content.value : '');
  }
  const file = join(tmpdir(), `course-catalogue-pglite-${key.digest('hex').slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    const scratch = new PGlite();
    await applyMigrations(new PrismaPGlite(scratch));
    const dump = await scratch.dumpDataDir('none');
    await scratch.close();
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file); // whole or not at all, for the other test processes
    return dump;
  }
}
