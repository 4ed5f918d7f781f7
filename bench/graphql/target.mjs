// The GraphQL twin of the REST benchmark for bench/run.mjs (`--targets
// floor,jsonapi,graphql`): the first 10 courses with all their attributes and
// all their terms' attributes, as GET /v1/courses?include=course_terms&page[size]=10
// answers, sent as a GET query (Apollo's CSRF prevention wants the
// apollo-require-preflight header on GETs) with the same valid JWT.
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from '../paths.mjs';
import { waitForReady } from '../targets.mjs';

const audit = 'effectiveStartDate effectiveEndDate lastModUserName lastModDate';
export const GRAPHQL_QUERY = `{ courses(first: 10) { nodes { id ${audit} schoolBulletinPrefixCode suffixTwo subjectAreaCode courseNumber courseIdentifier courseName courseDescription courseTerms(first: 100) { nodes { id ${audit} termIdentifier auditPermittedCode examCreditFlag } } } } }`;

export async function start({ databaseUrl, issuer, port }) {
  const url = `http://127.0.0.1:${port}`;
  const child = fork(join(root, 'dist/src/main.js'), [], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      DEMO_DATA: '0',
      MIGRATE_ON_START: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-graphql-')),
      ...issuer.env,
    },
  });
  await waitForReady(`${url}/readyz`);
  const token = await issuer.token('read');
  return {
    url,
    pid: child.pid,
    path: `/graphql?query=${encodeURIComponent(GRAPHQL_QUERY)}`,
    headers: { Authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', Accept: 'application/json' },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
