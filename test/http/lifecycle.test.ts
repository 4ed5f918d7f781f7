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
  // Two built servers started one after the other on a fresh data folder: minutes when CI runs three suites on two cores.
}, 300_000);

async function clientCredentialsToken(url: string, scope: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo_client:demo_client_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

test('SIGTERM during writes: every write the server received is answered and stored, none half-done, then exit 0', async () => {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const token = await clientCredentialsToken(server.url, 'read create');
  const names = Array.from({ length: 60 }, (_, i) => `Drained ${i}`);
  const writes = names.map((name) =>
    fetch(`${server.url}/v1/people/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ data: { type: 'people', attributes: { name } } }),
    }).then((r) => r.status),
  );
  // Signal as soon as the first write is answered: the others are then in
  // every stage, from not yet connected to half-way through a transaction.
  await Promise.race(writes.map((w) => w.catch(() => undefined)));
  server.child.kill('SIGTERM');
  const results = await Promise.allSettled(writes);
  // A write is either answered in full (201), or it never reached the server:
  // its connection was refused, or closed as idle before the request arrived.
  // A write stored but not answered would make the stored rows differ below.
  for (const result of results) {
    if (result.status === 'fulfilled') expect(result.value).toBe(201);
    else expect(String((result.reason as { cause?: Error }).cause?.message)).toMatch(/ECONNRESET|ECONNREFUSED|other side closed/);
  }
  expect(await server.exited).toBe(0);
  await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // closed for new connections

  const answered = names.filter((_, i) => results[i]!.status === 'fulfilled');
  expect(answered.length).toBeGreaterThan(0);
  const db = await openDatabase({ dataDir });
  const stored = (await db.prisma.person.findMany({ where: { name: { startsWith: 'Drained ' } }, select: { name: true } })).map((p) => p.name);
  await db.close();
  expect(stored.sort()).toEqual(answered.sort());
});

test('a bad setting stops the start with a message naming it', async () => {
  await expect(spawnServer({ DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow(/PORT: expected a whole number/);
});
