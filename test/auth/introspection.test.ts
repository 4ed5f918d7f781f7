// Opaque tokens through RFC 7662 introspection against the stand-in server:
// active passes, inactive is 401, down or slow is 503 (granting nothing), and
// active answers are cached by token hash until the earlier of exp and the TTL.
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const AUDIENCE = 'https://api.example.edu';
let as: StandInIssuer;
let api: ProtectedApp;

/** The stand-in issuer with its introspection endpoint and our client's credentials. */
const introspecting = () => ({
  OAUTH_ISSUER: as.issuer,
  OAUTH_AUDIENCE: AUDIENCE,
  OAUTH_INTROSPECTION_URL: as.introspectionUrl,
  OAUTH_CLIENT_ID: as.clientId,
  OAUTH_CLIENT_SECRET: as.clientSecret,
});

beforeAll(async () => {
  as = await StandInIssuer.start();
  api = await startProtectedApp({
    ...introspecting(),
    OAUTH_INTROSPECTION_TIMEOUT_MS: '300',
    OAUTH_INTROSPECTION_CACHE_S: '60',
    OAUTH_INTROSPECTION_NEGATIVE_CACHE_S: '1',
  });
});
afterAll(async () => {
  await api.stop();
  await as.stop();
});
beforeEach(() => {
  as.introspectionMode = 'normal';
});

test('an active token passes, with the client authenticated by HTTP Basic', async () => {
  const token = as.issueOpaque({ sub: 'bob', client_id: 'web-app', scope: 'read update' });
  const res = await api.call('update', token);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ subject: 'bob', clientId: 'web-app', hasUser: true, actorName: 'bob', scopes: ['read', 'update'] });
});

test('a client-credentials answer (no sub) has no user; its actor is the client', async () => {
  const token = as.issueOpaque({ sub: undefined, client_id: 'nightly-import', scope: 'create' });
  const res = await api.call('create', token);
  expect(await res.json()).toMatchObject({ subject: 'nightly-import', hasUser: false, actorName: 'nightly-import' });
});

test('an inactive token is 401 invalid_token', async () => {
  const res = await api.call('read', 'never-issued-opaque-token');
  expect(res.status).toBe(401);
  expect(challengeParams(res.headers.get('www-authenticate'))).toMatchObject({ error: 'invalid_token', error_description: 'The access token is not active.' });
});

test('active answers that are not for this API are refused: expired, other audience, other issuer, refresh token', async () => {
  const now = Math.floor(Date.now() / 1000);
  for (const claims of [{ exp: now - 300 }, { aud: 'https://other.example' }, { iss: 'https://other-issuer.example' }, { token_type: 'refresh_token' }]) {
    const res = await api.call('read', as.issueOpaque(claims));
    expect(res.status).toBe(401);
  }
  expect((await api.call('read', as.issueOpaque({ aud: [AUDIENCE, 'https://other.example'] }))).status).toBe(200);
});

test('an active answer is cached: the same token is introspected once', async () => {
  const token = as.issueOpaque({ scope: 'read' });
  const before = as.introspectionRequests;
  for (let i = 0; i < 5; i++) expect((await api.call('read', token)).status).toBe(200);
  expect(as.introspectionRequests).toBe(before + 1);
  // …and while cached it survives an outage of the introspection endpoint.
  as.introspectionMode = 'down';
  expect((await api.call('read', token)).status).toBe(200);
});

test('concurrent requests with one new token share one introspection call', async () => {
  const token = as.issueOpaque({ scope: 'read' });
  const before = as.introspectionRequests;
  const answers = await Promise.all(Array.from({ length: 10 }, () => api.call('read', token)));
  expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(as.introspectionRequests).toBe(before + 1);
});

test('an inactive answer is only remembered briefly (OAUTH_INTROSPECTION_NEGATIVE_CACHE_S, 1 s here): re-activating is seen after that', async () => {
  const token = as.issueOpaque({ active: false });
  expect((await api.call('read', token)).status).toBe(401);
  as.opaque.set(token, { ...as.opaque.get(token), active: true });
  expect((await api.call('read', token)).status).toBe(401);
  await new Promise((r) => setTimeout(r, 1_100));
  expect((await api.call('read', token)).status).toBe(200);
});

test('the cache lasts no longer than the answer\'s exp', async () => {
  const token = as.issueOpaque({ exp: Math.floor(Date.now() / 1000) + 1 });
  expect((await api.call('read', token)).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1_100));
  // Expired now (within the 30 s clock tolerance the server still calls it active, so revoke it there).
  as.opaque.set(token, { active: false });
  expect((await api.call('read', token)).status).toBe(401);
});

test('introspection down is 503 and grants nothing; never cached as active', async () => {
  const token = as.issueOpaque({ scope: 'read' });
  as.introspectionMode = 'down';
  const res = await api.call('read', token);
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.headers.get('www-authenticate')).toBeNull();
  expect((await res.json()).errors[0].code).toBe('temporarily_unavailable');
  as.opaque.set(token, { active: false });
  as.introspectionMode = 'normal';
  expect((await api.call('read', token)).status).toBe(401);
});

test('a slow introspection endpoint times out as 503', async () => {
  as.introspectionMode = 'slow';
  const started = Date.now();
  const res = await api.call('read', as.issueOpaque());
  expect(res.status).toBe(503);
  expect(Date.now() - started).toBeLessThan(2_000); // timeout is 300 ms here
});

test('a broken introspection answer is 503, not 500', async () => {
  as.introspectionMode = 'broken';
  expect((await api.call('read', as.issueOpaque())).status).toBe(503);
});

test('wrong client credentials at the introspection endpoint are 503 (our fault, not the caller\'s) and logged', async () => {
  const other = await startProtectedApp({ ...introspecting(), OAUTH_CLIENT_SECRET: 'wrong' });
  try {
    const token = as.issueOpaque();
    expect((await other.call('read', token)).status).toBe(503);
    const logs = other.logLines.join('');
    expect(logs).toContain('refused our client credentials');
    expect(logs).not.toContain(token);
  } finally {
    await other.stop();
  }
});

test('JWTs are still verified locally when introspection is configured', async () => {
  // Its own app: the first JWT fetches the issuer's metadata and keys, under the
  // same timeout as introspection, and this file's 300 ms is too short for that
  // on a loaded machine.
  const app = await startProtectedApp({ ...introspecting(), OAUTH_INTROSPECTION_TIMEOUT_MS: '10000' });
  try {
    const before = as.introspectionRequests;
    const res = await app.call('read', await as.sign({}, { audience: AUDIENCE }));
    expect(res.status).toBe(200);
    expect(as.introspectionRequests).toBe(before);
  } finally {
    await app.stop();
  }
});
