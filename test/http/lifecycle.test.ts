// The real start command: migrations and demo data on first start, data kept
// across a restart, and a graceful stop on SIGTERM that answers every request
// already received.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { openDatabase } from '../../src/db/database.js';
import { spawnServer } from '../support/process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'catalogue-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test('first start migrates and loads the demo data; a restart keeps the data and loads nothing twice', async () => {
  const first = await spawnServer({ DATA_DIR: dataDir, DEV_AUTH_SERVER: '0' });
  expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  expect(first.logs.some((l) => l.includes('applied migrations'))).toBe(true);
  expect(first.logs.some((l) => l.includes('loaded the demo catalogue'))).toBe(true);
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);

  // Between runs, write a row of our own directly into the data folder.
  const db = await openDatabase({ dataDir });
  const migrations = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>('SELECT migration_name FROM _prisma_migrations');
  expect(migrations.length).toBeGreaterThan(0);
  await db.prisma.person.create({ data: { name: 'Kept Across Restarts' } });
  expect(await db.prisma.course.count()).toBe(10);
  await db.close();

  const second = await spawnServer({ DATA_DIR: dataDir, DEV_AUTH_SERVER: '0' });
  expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
  expect(second.logs.some((l) => l.includes('applied migrations'))).toBe(false);
  expect(second.logs.some((l) => l.includes('loaded the demo catalogue'))).toBe(false);
  second.child.kill('SIGINT');
  expect(await second.exited).toBe(0);

  const after = await openDatabase({ dataDir });
  expect(await after.prisma.person.count({ where: { name: 'Kept Across Restarts' } })).toBe(1);
  expect(await after.prisma.course.count()).toBe(10);
  await after.close();
});

test('SIGTERM during requests: every request the server received is answered, then the process exits 0', async () => {
  const server = await spawnServer({ DATA_DIR: dataDir, DEV_AUTH_SERVER: '0' });
  const requests = Array.from({ length: 60 }, () => fetch(`${server.url}/readyz`).then((r) => r.status));
  await new Promise((resolve) => setTimeout(resolve, 5));
  server.child.kill('SIGTERM');
  const results = await Promise.allSettled(requests);
  // A request is either answered in full, or its connection was never
  // accepted (refused or reset at connect time: nothing was processed, safe
  // to retry). A response cut off half-way would fail here.
  for (const result of results) {
    if (result.status === 'fulfilled') expect(result.value).toBe(200);
    else expect(String((result.reason as { cause?: Error }).cause?.message)).toMatch(/^connect (ECONNRESET|ECONNREFUSED)/);
  }
  expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
  expect(await server.exited).toBe(0);
  // Once closed, new connections are refused.
  await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
});

test('a bad setting stops the start with a message naming it', async () => {
  await expect(spawnServer({ DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow(/PORT: expected a whole number/);
});
