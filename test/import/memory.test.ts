// The import streams its input: a large generated CSV of courses (3 % invalid
// identifiers) loads through `node dist/src/cli/import.js`, what `npm run
// db:import` runs, with a peak resident set size under 300 MB (each process
// reports its own at exit, test/import/max-rss.mjs). CI imports 100,000 rows;
// IMPORT_MEMORY_ROWS=1000000 runs the million of docs/benchmarks.md. It runs
// on the PostgreSQL pass only: with PGlite the database engine runs inside the
// same process, and its memory (which grows with the data) is not the
// import's.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { projectPath } from '../../src/paths.js';
import { testDatabaseUrl } from '../support/database.js';
import { buildOnce } from '../support/process.js';
import { writeCoursesCsv } from './generate.js';

const rows = Number(process.env.IMPORT_MEMORY_ROWS ?? 100_000);
const limitKb = 300 * 1024;

let dir: string | undefined;
let env: Record<string, string>;
let dropDatabase = async () => {};

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const onPostgres = testDatabaseUrl ? test : test.skip;

beforeAll(async () => {
  if (!testDatabaseUrl) return;
  buildOnce();
  dir = await mkdtemp(join(tmpdir(), 'import-memory-'));
  env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', NODE_OPTIONS: `--import ${pathToFileURL(projectPath('test/import/max-rss.mjs')).href}` };
  const name = `import_memory_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  dropDatabase = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  const migrate = spawnSync(process.execPath, [projectPath('dist/src/cli/migrate.js')], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`migrate failed:\n${migrate.stdout}${migrate.stderr}`);
}, 180_000);

afterAll(async () => {
  await dropDatabase();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the import command; stdout's lines counted (not kept: a problem line per invalid row), stderr kept. */
function runImport(args: string[]): Promise<{ code: number | null; problems: number; summary: string[]; stderr: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [projectPath('dist/src/cli/import.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let problems = 0;
  const summary: string[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (/^\S+courses\.csv:\d+ /.test(line)) problems++;
      else summary.push(line);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, problems, summary, stderr, seconds: (performance.now() - started) / 1000 })));
}

onPostgres(`a ${rows.toLocaleString('en')}-row CSV imports with a peak RSS under 300 MB`, async () => {
  const csv = join(dir!, 'courses.csv');
  const invalid = await writeCoursesCsv(csv, rows);
  const result = await runImport([csv]);
  const peaks = [...result.stderr.matchAll(/max-rss-kb (\d+)/g)].map((m) => Number(m[1]));
  console.log(`import of ${rows} CSV rows into postgres: ${result.seconds.toFixed(1)} s, peak RSS ${Math.round(Math.max(...peaks) / 1024)} MB`);
  expect(result.stderr.replace(/max-rss-kb \d+\n/g, '')).toBe('');
  expect(result.code).toBe(1); // rows were refused
  expect(result.summary).toContainEqual(`  courses: ${rows - invalid} created, 0 updated`);
  expect(result.problems).toBe(invalid);
  expect(peaks).toHaveLength(2); // the command, and the bounded process it runs
  expect(Math.max(...peaks)).toBeLessThan(limitKb);
}, Math.max(600_000, rows * 1.5));
