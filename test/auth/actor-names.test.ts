// What last_mod_user_name records (the RequestContext's actorName). With one
// trusted issuer: the user's name (`sub`), or the client for client-only
// tokens, as before. With several, the same name could be two people, so it
// says which issuer it came from: `name@label`, the label set per issuer or
// else taken from the issuer's URL.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createContextBuilder } from '../../src/auth/context.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-actors-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}
async function actorOf(api: ProtectedApp, token: string): Promise<string> {
  const res = await api.call('read', token);
  expect(res.status).toBe(200);
  return (await res.json()).actorName;
}

describe('several trusted issuers', () => {
  let campus: StandInIssuer;
  let partner: StandInIssuer;
  let unlabelled: StandInIssuer;
  let api: ProtectedApp;
  beforeAll(async () => {
    campus = await StandInIssuer.start();
    partner = await StandInIssuer.start();
    unlabelled = await StandInIssuer.start({ issuerPath: '/tenant-x' });
    const issuers = file('issuers.json', [
      { issuer: partner.issuer, audience: 'urn:api', label: 'partner', introspectionUrl: partner.introspectionUrl, clientId: partner.clientId, clientSecret: partner.clientSecret },
      { issuer: unlabelled.issuer, audience: 'urn:api' },
    ]);
    api = await startProtectedApp({
      OAUTH_ISSUER: campus.issuer,
      OAUTH_AUDIENCE: 'urn:api',
      OAUTH_ISSUER_LABEL: 'campus',
      OAUTH_ISSUERS_FILE: issuers,
    });
  });
  afterAll(async () => {
    await api.stop();
    await Promise.all([campus.stop(), partner.stop(), unlabelled.stop()]);
  });

  test('the same user name from two issuers is two actors', async () => {
    expect(await actorOf(api, await campus.sign({ sub: 'alice' }, { audience: 'urn:api' }))).toBe('alice@campus');
    expect(await actorOf(api, await partner.sign({ sub: 'alice' }, { audience: 'urn:api' }))).toBe('alice@partner');
  });

  test('client-only tokens (JWT or introspected) are named by their client, with the label too', async () => {
    expect(await actorOf(api, await partner.sign({ sub: 'nightly', client_id: 'nightly' }, { audience: 'urn:api' }))).toBe('nightly@partner');
    expect(await actorOf(api, partner.issueOpaque({ sub: undefined, client_id: 'importer', aud: 'urn:api' }))).toBe('importer@partner');
    expect(await actorOf(api, partner.issueOpaque({ sub: 'bob', aud: 'urn:api' }))).toBe('bob@partner');
  });

  test("without a label, the issuer's host and path", async () => {
    const { host } = new URL(unlabelled.issuer);
    expect(await actorOf(api, await unlabelled.sign({ sub: 'carol' }, { audience: 'urn:api' }))).toBe(`carol@${host}/tenant-x`);
  });

  test('a name too long for the column (80 characters) is shortened, keeping the label', async () => {
    const name = await actorOf(api, await partner.sign({ sub: 'x'.repeat(100) }, { audience: 'urn:api' }));
    expect(name).toBe(`${'x'.repeat(80 - '@partner'.length)}@partner`);
  });
});

describe('one trusted issuer', () => {
  let as: StandInIssuer;
  let api: ProtectedApp;
  beforeAll(async () => {
    as = await StandInIssuer.start();
    api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: as.jwksUri, OAUTH_ISSUER_LABEL: 'campus' });
  });
  afterAll(async () => {
    await api.stop();
    await as.stop();
  });

  test('the name alone, as before (a label is only needed to tell issuers apart)', async () => {
    expect(await actorOf(api, await as.sign({ sub: 'alice' }, { audience: 'urn:api' }))).toBe('alice');
    expect(await actorOf(api, await as.sign({ sub: 'batch', client_id: 'batch' }, { audience: 'urn:api' }))).toBe('batch');
  });

  test('a name longer than the column is shortened to 80 characters', async () => {
    expect(await actorOf(api, await as.sign({ sub: 'y'.repeat(100) }, { audience: 'urn:api' }))).toBe('y'.repeat(80));
  });
});

describe('labels are checked at start-up', () => {
  const logger = pino({ level: 'silent' });
  const build = (env: Record<string, string>) => createContextBuilder({ config: loadConfig({ NODE_ENV: 'test', ...env }), logger });

  test('two issuers with the same label', async () => {
    const issuers = file('same-label.json', [
      { issuer: 'https://a.example', audience: 'x', label: 'same' },
      { issuer: 'https://b.example', audience: 'x', label: 'same' },
    ]);
    await expect(build({ OAUTH_ISSUERS_FILE: issuers })).rejects.toThrow(/label "same" is used by both https:\/\/a\.example and https:\/\/b\.example/);
  });

  test('a label that is not a short token', async () => {
    const issuers = file('bad-label.json', [{ issuer: 'https://a.example', audience: 'x', label: 'has space' }]);
    await expect(build({ OAUTH_ISSUERS_FILE: issuers })).rejects.toThrow(/bad-label\.json\): \[0\]\.label: /);
    expect(() => loadConfig({ OAUTH_ISSUER_LABEL: 'a@b' })).toThrow(/OAUTH_ISSUER_LABEL: /);
    await expect(build({ OAUTH_ISSUER_LABEL: 'campus' })).rejects.toThrow(/OAUTH_ISSUER_LABEL: set OAUTH_ISSUER too/);
  });
});
