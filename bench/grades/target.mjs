// The grade listing with the row rules of docs/policy.md (bench/grades/policy.json):
// GET /v1/grades?page[size]=N&sort=id with its count, as the instructor whose
// person is "Person 1" (username p1; bench/seed.mjs gives each instructor the
// grades of 2N/people terms). `grades-open` asks the same with no rules (every
// grade), `grades-registrar` with the rules as the registrar group (whose rule
// is true: the statements of `grades-open`), so one run shows what the rules
// cost: `--targets grades-open,grades-registrar,grades`. The answers are grade
// lists, not the course pages run.mjs compares (see docs/benchmarks.md).
import pg from 'pg';
import { startWithEnv } from '../metrics/env.mjs';
import { root } from '../paths.mjs';
import { join } from 'node:path';

/** Usernames for the seeded people (p1, p2, …), once: what the rules match. */
async function name(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`UPDATE person SET username = 'p' || substring(name from 8) WHERE username IS NULL AND name ~ '^Person [0-9]+$'`);
  } finally {
    await client.end();
  }
}

export async function startGrades(ctx, { rules, claims }) {
  await name(ctx.databaseUrl);
  const server = await startWithEnv(ctx, rules ? { OAUTH_POLICY_FILE: join(root, 'bench/grades/policy.json') } : {});
  const token = await ctx.issuer.token('read', { expiresIn: '2h', ...claims }); // outlives the longest run
  const request = (size) => ({
    path: `/v1/grades?page[size]=${size}&sort=id`,
    method: 'GET',
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' },
  });
  return { ...server, ...request(10), request };
}

export const start = (ctx) => startGrades(ctx, { rules: true, claims: { sub: 'p1' } });
