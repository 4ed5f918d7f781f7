// The committed migrations are the only way tables come into being: they must
// describe prisma/schema.prisma exactly, and apply once, recorded by Prisma.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { applyMigrations, readMigrationsList, schemaDiffSql } from '../../src/db/migrations.js';
import { createTestDatabase } from '../support/database.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(() => db.close());

test('prisma/migrations describe schema.prisma (else: npm run db:migration -- NAME)', async () => {
  expect(await schemaDiffSql()).toBe('');
});

test('migrations apply once, into the standard _prisma_migrations history', async () => {
  const { migrationDirectories } = await readMigrationsList();
  expect(await applyMigrations(db.migrationAdapterFactory)).toEqual(migrationDirectories.map((m) => m.path));
  expect(await applyMigrations(db.migrationAdapterFactory)).toEqual([]);
  const history = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>(
    'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
  );
  expect(history.map((h) => h.migration_name)).toEqual(migrationDirectories.map((m) => m.path));
  expect(history.every((h) => h.finished_at !== null)).toBe(true);
});

test('applying again right away never waits on a lock left behind (PostgreSQL: advisory lock on one connection)', async () => {
  for (let i = 0; i < 3; i++) {
    const started = Date.now();
    expect(await applyMigrations(db.migrationAdapterFactory)).toEqual([]);
    // Prisma waits up to 10 s for its advisory lock; a leaked lock shows as that wait.
    expect(Date.now() - started).toBeLessThan(8_000);
  }
});
