// On PostgreSQL every statement a request runs is under statement_timeout
// (DATABASE_STATEMENT_TIMEOUT_MS). A request whose statement runs past it is
// answered at once with a clear error through both doors (JSON:API 503 with
// Retry-After and code query_timeout; GraphQL QUERY_TIMEOUT), not left
// hanging and not a 500. PGlite cannot stop a statement, so the PostgreSQL part
// needs TEST_DATABASE_URL and is skipped without it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { ConfigError, loadConfig } from '../../src/config.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { testDatabaseUrl } from '../support/database.js';
import { startTestServer, type TestServer } from '../support/server.js';

test('DATABASE_STATEMENT_TIMEOUT_MS: 5 s by default, 0 turns it off, anything else is refused', () => {
  expect(loadConfig({}).database.statementTimeoutMs).toBe(5_000);
  expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' }).database.statementTimeoutMs).toBe(0);
  expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '250' }).database.statementTimeoutMs).toBe(250);
  expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '5s' })).toThrow(ConfigError);
});

const onPostgres = testDatabaseUrl ? describe : describe.skip;

onPostgres('on PostgreSQL (skipped without TEST_DATABASE_URL: PGlite cannot stop a statement)', () => {
  const timeoutMs = 100;
  // Passes the regex screen (cost 202) and compiles at once, but over text of
  // random a's and b's its lazily built DFA meets a new state at almost every
  // character (which of the last 200 were a's), about 1 µs each.
  const slowPattern = 'a[ab]{200}c';
  let databaseUrl: string;
  let databaseName: string;
  let issuer: StandInIssuer;
  let server: TestServer;
  let token: string;
  let uncappedMs: number;
  let someCourseId: string;

  const admin = async <T>(work: (client: pg.Client) => Promise<T>, url = testDatabaseUrl!): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    databaseName = `test_timeout_${randomBytes(4).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${databaseName}`));
    const url = new URL(testDatabaseUrl!);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    issuer = await StandInIssuer.start();
    token = await issuer.token(['read']);
    // The server opens the database from its settings, as in production; migrations run on their own connection.
    server = await startTestServer(
      { MIGRATE_ON_START: '1', DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '3', DATABASE_STATEMENT_TIMEOUT_MS: String(timeoutMs), ...issuer.env },
      { db: 'settings' },
    );
    // Enough text that the pattern takes seconds to run, written past the app's pool (no timeout here).
    uncappedMs = await admin(async (c) => {
      await c.query(`INSERT INTO course (id, school_bulletin_prefix_code, suffix_two, subject_area_code, course_number, course_identifier, course_name, course_description)
        SELECT gen_random_uuid(), 'X', '00', 'TIME', lpad(i::text, 5, '0'), 'TIME' || lpad(i::text, 5, '0'), 'Course ' || i,
          (SELECT string_agg(CASE WHEN random() < 0.5 THEN 'a' ELSE 'b' END, '') FROM generate_series(1, 6000) WHERE i > 0)
        FROM generate_series(1, 1000) AS i`);
      someCourseId = (await c.query<{ id: string }>('SELECT id::text AS id FROM course LIMIT 1')).rows[0]!.id;
      const started = performance.now();
      await c.query('SELECT count(*) FROM course WHERE course_description ~ $1', [slowPattern]);
      return performance.now() - started;
    }, databaseUrl);
  });

  afterAll(async () => {
    await server?.stop();
    await issuer?.stop();
    if (databaseName) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
  });

  test('the app pool has the timeout; the migration connection does not', async () => {
    const rows = await server.db.prisma.$queryRawUnsafe<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(rows[0]!.statement_timeout).toBe(`${timeoutMs}ms`);
    const migrations = await server.db.migrationAdapterFactory.connect();
    try {
      const result = await migrations.queryRaw({ sql: 'SHOW statement_timeout', args: [], argTypes: [] });
      expect(result.rows[0]![0]).toBe('0');
    } finally {
      await migrations.dispose();
    }
  });

  test('a request whose statement runs past the timeout is answered quickly with a clear error, through both doors', async () => {
    // Without the timeout the statement takes this long; the test means nothing if that is not well past the timeout.
    expect(uncappedMs).toBeGreaterThan(10 * timeoutMs);
    // The first request of a server verifies its first token (a JWKS fetch) and opens pool connections: not what is measured.
    await fetch(`${server.url}/v1/courses/${someCourseId}`, { headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` } });

    let started = performance.now();
    const rest = await fetch(`${server.url}/v1/courses?filter[course_description.regex]=${encodeURIComponent(slowPattern)}`, {
      headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` },
    });
    const restMs = performance.now() - started;
    const document = await rest.json();
    expect(rest.status).toBe(503);
    expect(rest.headers.get('retry-after')).toBe('5');
    expect(document.errors[0]).toMatchObject({ status: '503', code: 'query_timeout', title: 'Service Unavailable' });
    expect(document.errors[0].detail).toMatch(/took longer than the server allows/);

    started = performance.now();
    const graph = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'query ($p: String) { courses(filter: { courseDescription: { regex: $p } }) { totalCount } }', variables: { p: slowPattern } }),
    });
    const graphMs = performance.now() - started;
    const body = await graph.json();
    expect(body.errors[0].extensions.code).toBe('QUERY_TIMEOUT');
    expect(body.errors[0].message).toMatch(/took longer than the server allows/);

    // Stopped at the timeout, not after the statement's full run (measured above without a timeout).
    expect(restMs).toBeLessThan(uncappedMs / 2);
    expect(graphMs).toBeLessThan(uncappedMs / 2);
  });

  test('statements within the timeout are unaffected', async () => {
    const res = await fetch(`${server.url}/v1/courses/${someCourseId}`, { headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const matched = await fetch(`${server.url}/v1/courses?filter[course_identifier.regex]=${encodeURIComponent('^TIME0000[1-3]$')}`, {
      headers: { accept: 'application/vnd.api+json', authorization: `Bearer ${token}` },
    });
    expect(matched.status).toBe(200);
    expect((await matched.json()).data.map((c: { attributes: { course_identifier: string } }) => c.attributes.course_identifier).sort()).toEqual(['TIME00001', 'TIME00002', 'TIME00003']);
  });
});
