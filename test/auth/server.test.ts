// The real server starts with the auth settings, and the real app refuses to
// assemble with a broken issuers or policy file, saying which file and field.
import 'reflect-metadata';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/http/logger.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { startTestServer } from '../support/server.js';
import { StandInIssuer } from '../support/issuer.mjs';

const dir = mkdtempSync(join(tmpdir(), 'auth-server-'));
let as: StandInIssuer;
let other: StandInIssuer;
let db: Database;

beforeAll(async () => {
  as = await StandInIssuer.start();
  other = await StandInIssuer.start();
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
  await as.stop();
  await other.stop();
});

test('the server starts with single-issuer settings, an issuers file and the demo policy', async () => {
  const issuersFile = join(dir, 'issuers.json');
  writeFileSync(issuersFile, JSON.stringify([{ issuer: other.issuer, audience: 'urn:other', introspectionUrl: other.introspectionUrl, clientId: 'rs', clientSecret: 's' }]));
  const server = await startTestServer(
    {
      OAUTH_ISSUER: as.issuer,
      OAUTH_AUDIENCE: 'urn:api',
      OAUTH_JWKS_URI: as.jwksUri,
      OAUTH_ISSUERS_FILE: issuersFile,
      OAUTH_POLICY_FILE: 'src/auth/policies/demo-policy.json',
      DEV_AUTH_SERVER: '0', // the built-in issuer has tests of its own (test/oauth)
    },
    { db },
  );
  try {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Keys are fetched once the server answers, ahead of the first token.
    expect(as.jwksRequests).toBe(1);
  } finally {
    await server.stop();
  }
});

test('a broken issuers file stops the app assembly with a ConfigError naming the file and field', async () => {
  const issuersFile = join(dir, 'broken-issuers.json');
  writeFileSync(issuersFile, JSON.stringify({ issuers: [{ issuer: as.issuer }] }));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEV_AUTH_SERVER: '0', OAUTH_ISSUERS_FILE: issuersFile });
  const error = await createApp({ config, db, logger: createLogger('silent'), publicUrl: 'http://localhost' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`OAUTH_ISSUERS_FILE (${issuersFile}): issuers[0].audience:`);
});

test('a broken policy file likewise', async () => {
  const policyFile = join(dir, 'broken-policy.json');
  writeFileSync(policyFile, JSON.stringify({ operations: { read: 'read' } }));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEV_AUTH_SERVER: '0', OAUTH_POLICY_FILE: policyFile });
  const error = await createApp({ config, db, logger: createLogger('silent'), publicUrl: 'http://localhost' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`OAUTH_POLICY_FILE (${policyFile}): operations.read:`);
});
