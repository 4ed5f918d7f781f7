// A fresh, migrated database for one test file: in-memory PGlite by default,
// or a new database of its own on the server named by TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { applyMigrations } from '../../src/db/migrations.js';

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
  } else {
    db = await openDatabase({ dataDir: 'memory://' });
  }
  if (options.migrate !== false) await applyMigrations(db.migrationAdapterFactory);
  return db;
}
