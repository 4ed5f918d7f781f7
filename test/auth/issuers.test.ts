// Several issuers at once, JWKS discovery from issuer metadata, and the
// start-up validation of the issuers file.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createContextBuilder } from '../../src/auth/context.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-issuers-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('two issuers: OAUTH_ISSUER plus OAUTH_ISSUERS_FILE', () => {
  let a: StandInIssuer;
  let b: StandInIssuer;
  let api: ProtectedApp;
  beforeAll(async () => {
    a = await StandInIssuer.start();
    b = await StandInIssuer.start({ issuerPath: '/tenant-b', metadata: 'oauth-authorization-server' });
    // b has its own audience and its own policy (writes with "write" only).
    const policy = file('b-policy.json', { operations: { create: [['write']] } });
    const issuers = file('issuers.json', { issuers: [{ issuer: b.issuer, audience: 'urn:api:b', policyFile: 'b-policy.json' }] });
    void policy;
    api = await startProtectedApp({ OAUTH_ISSUER: a.issuer, OAUTH_AUDIENCE: 'urn:api:a', OAUTH_ISSUERS_FILE: issuers });
  });
  afterAll(async () => {
    await api.stop();
    await a.stop();
    await b.stop();
  });

  test("each issuer's tokens pass, with its own audience", async () => {
    expect((await api.call('read', await a.sign({}, { audience: 'urn:api:a' }))).status).toBe(200);
    // b's JWKS location comes from RFC 8414 metadata under an issuer with a path.
    expect((await api.call('read', await b.sign({}, { audience: 'urn:api:b' }))).status).toBe(200);
  });

  test("one issuer's audience does not pass at the other", async () => {
    expect((await api.call('read', await b.sign({}, { audience: 'urn:api:a' }))).status).toBe(401);
  });

  test("a token naming one issuer but signed with the other's key fails", async () => {
    const forged = await a.sign({ iss: b.issuer }, { audience: 'urn:api:b' }); // a's key, b's iss
    const res = await api.call('read', forged);
    expect(res.status).toBe(401);
    expect(challengeParams(res.headers.get('www-authenticate')).error_description).toMatch(/unknown key/);
    // Same kid as one of b's keys, still a's signature: the signature check fails.
    const sameKid = await a.sign({ iss: b.issuer }, { audience: 'urn:api:b', kid: b.currentKey.kid });
    expect((await api.call('read', sameKid)).status).toBe(401);
  });

  test('an unknown issuer is 401', async () => {
    const c = await StandInIssuer.start();
    try {
      expect((await api.call('read', await c.sign({}, { audience: 'urn:api:a' }))).status).toBe(401);
    } finally {
      await c.stop();
    }
  });

  test("each issuer's policy applies to its own tokens", async () => {
    expect((await api.call('create', await a.sign({ scope: 'create' }, { audience: 'urn:api:a' }))).status).toBe(200);
    const refused = await api.call('create', await b.sign({ scope: 'create' }, { audience: 'urn:api:b' }));
    expect(refused.status).toBe(403);
    expect(challengeParams(refused.headers.get('www-authenticate')).scope).toBe('write');
    expect((await api.call('create', await b.sign({ scope: 'write' }, { audience: 'urn:api:b' }))).status).toBe(200);
  });
});

describe('JWKS discovery and reachability', () => {
  let as: StandInIssuer;
  beforeAll(async () => {
    as = await StandInIssuer.start();
  });
  afterAll(() => as.stop());

  test('without OAUTH_JWKS_URI, the JWKS is found through /.well-known/openid-configuration', async () => {
    const api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api' });
    try {
      expect((await api.call('read', await as.sign({}, { audience: 'urn:api' }))).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  test('an issuer without metadata, or a JWKS that cannot be reached, is 503 (never 500, never a pass)', async () => {
    const noMetadata = await StandInIssuer.start({ metadata: 'none' });
    const api = await startProtectedApp({ OAUTH_ISSUER: noMetadata.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_INTROSPECTION_TIMEOUT_MS: '300' });
    const down = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: 'http://127.0.0.1:9/jwks' });
    try {
      const res = await api.call('read', await noMetadata.sign({}, { audience: 'urn:api' }));
      expect(res.status).toBe(503);
      expect(api.logLines.join('')).toContain('cannot find the JWKS');
      expect((await down.call('read', await as.sign({}, { audience: 'urn:api' }))).status).toBe(503);
    } finally {
      await api.stop();
      await down.stop();
      await noMetadata.stop();
    }
  });

  test('the built-in issuer is trusted through the same path (extraIssuers)', async () => {
    const api = await startProtectedApp({}, { extraIssuers: [{ issuer: as.issuer, audience: 'urn:builtin', jwksUri: as.jwksUri }] });
    try {
      expect((await api.call('read', await as.sign({}, { audience: 'urn:builtin' }))).status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});

describe('start-up validation names the setting, the file and the field', () => {
  const logger = pino({ level: 'silent' });
  const build = (env: Record<string, string>) => createContextBuilder({ config: loadConfig({ NODE_ENV: 'test', ...env }), logger });
  /** The message start-up refuses these settings with. */
  const refusal = (env: Record<string, string>): Promise<string> =>
    build(env).then(
      () => 'no refusal',
      (e: Error) => e.message,
    );

  test('OAUTH_ISSUER needs OAUTH_AUDIENCE; introspection needs client credentials; orphans need an issuer', async () => {
    await expect(build({ OAUTH_ISSUER: 'https://as.example' })).rejects.toThrow(/OAUTH_AUDIENCE: required with OAUTH_ISSUER/);
    await expect(build({ OAUTH_ISSUER: 'https://as.example', OAUTH_AUDIENCE: 'a', OAUTH_INTROSPECTION_URL: 'https://as.example/i' })).rejects.toThrow(/OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET: required/);
    await expect(build({ OAUTH_AUDIENCE: 'a' })).rejects.toThrow(/OAUTH_AUDIENCE: set OAUTH_ISSUER too/);
  });

  test('issuers file: missing file, bad JSON, bad field, duplicate issuer', async () => {
    await expect(build({ OAUTH_ISSUERS_FILE: join(dir, 'nope.json') })).rejects.toThrow(/OAUTH_ISSUERS_FILE \(.*nope\.json\): cannot read the file: ENOENT/);
    await expect(build({ OAUTH_ISSUERS_FILE: file('bad.json', '{ "issuers": [') })).rejects.toThrow(/OAUTH_ISSUERS_FILE \(.*bad\.json\): not valid JSON/);
    const badField = file('bad-field.json', [{ issuer: 'https://a.example', audience: 'x' }, { issuer: 'not a url', audience: 'y', colour: 'blue' }]);
    const error = await refusal({ OAUTH_ISSUERS_FILE: badField });
    expect(error).toMatch(/bad-field\.json\): \[1\]\.issuer: expected an absolute URL/);
    expect(error).toMatch(/bad-field\.json\): \[1\]: Unrecognized key: "colour"/);
    const noCreds = file('no-creds.json', { issuers: [{ issuer: 'https://a.example', audience: 'x', introspectionUrl: 'https://a.example/i' }] });
    await expect(build({ OAUTH_ISSUERS_FILE: noCreds })).rejects.toThrow(/issuers\[0\]\.clientId: introspectionUrl needs clientId and clientSecret/);
    const dup = file('dup.json', [{ issuer: 'https://a.example', audience: 'x' }]);
    await expect(build({ OAUTH_ISSUER: 'https://a.example', OAUTH_AUDIENCE: 'x', OAUTH_ISSUERS_FILE: dup })).rejects.toThrow(/https:\/\/a\.example is listed twice/);
  });

  test('policy files: bad field, issuer policy file resolved next to the issuers file', async () => {
    const bad = file('bad-policy.json', { operations: { read: [['read']], dance: [['x']] }, groups: { read: ['team-a'] } });
    const error = await refusal({ OAUTH_POLICY_FILE: bad });
    expect(error).toMatch(/OAUTH_POLICY_FILE \(.*bad-policy\.json\): operations: Unrecognized key: "dance"/);
    expect(error).toMatch(/groups\.claim: /);
    const quoted = file('quoted-policy.json', { operations: { read: [['re"ad']] } });
    await expect(build({ OAUTH_POLICY_FILE: quoted })).rejects.toThrow(/operations\.read\[0\]\[0\]: a scope name is printable ASCII/);
    const issuers = file('issuers-with-missing-policy.json', [{ issuer: 'https://a.example', audience: 'x', policyFile: 'missing-policy.json' }]);
    await expect(build({ OAUTH_ISSUERS_FILE: issuers })).rejects.toThrow(/policyFile of https:\/\/a\.example \(.*auth-issuers-.*\/missing-policy\.json\): cannot read the file: ENOENT/);
  });

  test('the demo policy file shipped in src/auth/policies is valid', async () => {
    await expect(build({ OAUTH_POLICY_FILE: 'src/auth/policies/demo-policy.json' })).resolves.toBeDefined();
  });
});
