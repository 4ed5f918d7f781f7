// JWT claims jose leaves to us, and what a refusal says: a token issued in the
// future is refused; a token meant for another resource (its audience, its
// typ, or an opaque token when only JWTs can be checked here) is refused as
// "not for this API", not as "malformed".
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const AUDIENCE = 'https://api.example.edu';
let as: StandInIssuer;
let api: ProtectedApp;

beforeAll(async () => {
  as = await StandInIssuer.start();
  // No introspection: this API can only check JWTs (as with the built-in server).
  api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: AUDIENCE, OAUTH_JWKS_URI: as.jwksUri, OAUTH_CLOCK_TOLERANCE_S: '30' });
});
afterAll(async () => {
  await api.stop();
  await as.stop();
});

async function refusal(token: string): Promise<string> {
  const res = await api.call('read', token);
  expect(res.status).toBe(401);
  const challenge = challengeParams(res.headers.get('www-authenticate'));
  expect(challenge).toMatchObject({ realm: 'course-catalogue', error: 'invalid_token' });
  expect((await res.json()).errors[0]).toMatchObject({ status: '401', code: 'invalid_token', detail: challenge.error_description });
  return challenge.error_description!;
}

test('iat in the future beyond the clock tolerance is refused; within it, accepted', async () => {
  const now = Math.floor(Date.now() / 1000);
  expect(await refusal(await as.sign({ iat: now + 600 }))).toMatch(/issue.*\(iat\).*future/);
  expect(await refusal(await as.sign({ iat: now + 120, exp: now + 900 }))).toMatch(/\(iat\)/);
  expect((await api.call('read', await as.sign({ iat: now + 10 }))).status).toBe(200);
});

test('a JWT for another audience (e.g. the userinfo endpoint) is "not for this API"', async () => {
  expect(await refusal(await as.sign({}, { audience: `${as.issuer}/me` }))).toBe('The access token is not for this API (audience).');
  expect(await refusal(await as.sign({ aud: ['https://other-api.example.edu', 'urn:x'] }))).toMatch(/not for this API/);
});

test('a JWT that is not an access token (typ) is "not for this API"', async () => {
  for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt']) {
    expect(await refusal(await as.sign({}, { typ }))).toMatch(/not an access token for this API \(typ\)/);
  }
});

test('an opaque token, where only JWTs can be checked, is "not for this API", not "malformed"', async () => {
  // oidc-provider's userinfo-only access tokens look like this (43 base64url characters).
  const description = await refusal(randomBytes(32).toString('base64url'));
  expect(description).toMatch(/not for this API/);
  expect(description).not.toMatch(/malformed/);
  // A JWS-shaped token that does not decode is still malformed.
  expect(await refusal('eyJ.eyJ.eyJ')).toMatch(/malformed/);
});
