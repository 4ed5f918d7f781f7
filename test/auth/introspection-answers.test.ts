// RFC 7662 answers this API must not take at face value, and the calls it
// must not make: an audience, when stated, must include ours (and can be
// required); a token issued in the future is refused; unknown tokens are
// remembered for a few seconds, so repeating one is not an introspection call
// each time. Calls are counted at a real local introspection endpoint.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const AUDIENCE = 'https://api.example.edu';
let as: StandInIssuer;
const apps: ProtectedApp[] = [];

beforeAll(async () => {
  as = await StandInIssuer.start();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  as.introspectionMode = 'normal';
});
afterAll(() => as.stop());

async function start(env: Record<string, string> = {}): Promise<ProtectedApp> {
  const app = await startProtectedApp({
    OAUTH_ISSUER: as.issuer,
    OAUTH_AUDIENCE: AUDIENCE,
    OAUTH_INTROSPECTION_URL: as.introspectionUrl,
    OAUTH_CLIENT_ID: as.clientId,
    OAUTH_CLIENT_SECRET: as.clientSecret,
    OAUTH_INTROSPECTION_TIMEOUT_MS: '300',
    ...env,
  });
  apps.push(app);
  return app;
}

function description(res: Response): string | undefined {
  expect(res.status).toBe(401);
  return challengeParams(res.headers.get('www-authenticate')).error_description;
}

describe('audience', () => {
  test('an answer naming other audiences only is refused as "not for this API"', async () => {
    const api = await start();
    expect(description(await api.call('read', as.issueOpaque({ aud: 'https://other.example' })))).toBe('The access token is not for this API (audience).');
    expect(description(await api.call('read', as.issueOpaque({ aud: ['https://other.example', 'urn:x'] })))).toMatch(/not for this API/);
    expect((await api.call('read', as.issueOpaque({ aud: ['https://other.example', AUDIENCE] }))).status).toBe(200);
  });

  test('an answer without aud passes by default (RFC 7662 §2.2: aud is optional)', async () => {
    const api = await start();
    expect((await api.call('read', as.issueOpaque({ aud: undefined }))).status).toBe(200);
  });

  test('OAUTH_INTROSPECTION_REQUIRE_AUDIENCE=1: an answer without aud is refused', async () => {
    const api = await start({ OAUTH_INTROSPECTION_REQUIRE_AUDIENCE: '1' });
    expect(description(await api.call('read', as.issueOpaque({ aud: undefined })))).toMatch(/not for this API.*no audience/);
    expect((await api.call('read', as.issueOpaque({ aud: AUDIENCE }))).status).toBe(200);
  });

  test('requireAudience per issuer in the issuers file, overriding the setting either way', async () => {
    const other = await StandInIssuer.start();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'auth-introspection-'));
      const entry = (s: StandInIssuer, requireAudience: boolean) => ({
        issuer: s.issuer,
        audience: AUDIENCE,
        introspectionUrl: s.introspectionUrl,
        clientId: s.clientId,
        clientSecret: s.clientSecret,
        requireAudience,
      });
      const file = join(dir, 'issuers.json');
      writeFileSync(file, JSON.stringify([entry(as, true), entry(other, false)]));
      const api = await startProtectedApp({ OAUTH_ISSUERS_FILE: file, OAUTH_INTROSPECTION_REQUIRE_AUDIENCE: '1', OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '0' });
      apps.push(api);
      expect(description(await api.call('read', as.issueOpaque({ aud: undefined })))).toMatch(/no audience/);
      expect((await api.call('read', other.issueOpaque({ aud: undefined, iss: other.issuer }))).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

test('an answer whose iat is in the future beyond the clock tolerance is refused', async () => {
  const api = await start({ OAUTH_CLOCK_TOLERANCE_S: '30' });
  const now = Math.floor(Date.now() / 1000);
  expect(description(await api.call('read', as.issueOpaque({ iat: now + 600, exp: now + 900 })))).toMatch(/\(iat\)/);
  expect((await api.call('read', as.issueOpaque({ iat: now + 10 }))).status).toBe(200);
});

describe('unknown tokens are remembered for a few seconds (negative cache)', () => {
  test('the default is 5 s', () => {
    expect(loadConfig({}).oauth.introspectionNegativeCacheS).toBe(5);
  });

  test('the same unknown token 50 times is one introspection call; 5 tokens × 20 are 5', async () => {
    const api = await start({ OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '60' });
    let before = as.introspectionRequests;
    for (let i = 0; i < 50; i++) expect(description(await api.call('read', 'never-issued-token-1'))).toBe('The access token is not active.');
    expect(as.introspectionRequests - before).toBe(1);

    before = as.introspectionRequests;
    const tokens = ['unknown-a', 'unknown-b', 'unknown-c', 'unknown-d', 'unknown-e'];
    for (let i = 0; i < 20; i++) for (const t of tokens) expect((await api.call('read', t)).status).toBe(401);
    expect(as.introspectionRequests - before).toBe(tokens.length);
  });

  test('a refused active answer (another audience) is remembered as refused, with its reason', async () => {
    const api = await start({ OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '60' });
    const token = as.issueOpaque({ aud: 'https://other.example' });
    const before = as.introspectionRequests;
    for (let i = 0; i < 10; i++) expect(description(await api.call('read', token))).toMatch(/not for this API/);
    expect(as.introspectionRequests - before).toBe(1);
  });

  test('the memory ends after its TTL; 0 turns it off', async () => {
    const short = await start({ OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '1' });
    const before = as.introspectionRequests;
    await short.call('read', 'never-issued-token-2');
    await short.call('read', 'never-issued-token-2');
    expect(as.introspectionRequests - before).toBe(1);
    await sleep(1_100);
    await short.call('read', 'never-issued-token-2');
    expect(as.introspectionRequests - before).toBe(2);

    const off = await start({ OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '0' });
    const start0 = as.introspectionRequests;
    for (let i = 0; i < 3; i++) await off.call('read', 'never-issued-token-3');
    expect(as.introspectionRequests - start0).toBe(3);
  });

  test('a failed introspection is not remembered: the token passes once the server answers', async () => {
    const api = await start({ OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '60' });
    const token = 'issued-while-the-server-was-down';
    as.introspectionMode = 'down';
    expect((await api.call('read', token)).status).toBe(503);
    as.introspectionMode = 'normal';
    const now = Math.floor(Date.now() / 1000);
    as.opaque.set(token, { active: true, client_id: 'web-app', sub: 'user1', scope: 'read', exp: now + 300, iss: as.issuer });
    expect((await api.call('read', token)).status).toBe(200);
  });
});
