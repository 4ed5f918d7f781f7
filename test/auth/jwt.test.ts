// JWT access tokens through a real protected route: the good one passes, every
// hostile one is a 401 with an invalid_token challenge, never a 500.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { exportSPKI, importJWK, SignJWT, UnsecuredJWT, base64url, type CryptoKey } from 'jose';
import { StandInIssuer, newSigningKey } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const AUDIENCE = 'https://api.example.edu';
let as: StandInIssuer;
let api: ProtectedApp;

beforeAll(async () => {
  as = await StandInIssuer.start();
  api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: AUDIENCE, OAUTH_JWKS_URI: as.jwksUri }, { jwksCooldownMs: 0 });
});
afterAll(async () => {
  await api.stop();
  await as.stop();
});

async function expectInvalidToken(token: string, description?: RegExp): Promise<void> {
  const res = await api.call('read', token);
  const body = await res.json();
  expect({ status: res.status, code: body.errors[0].code }).toEqual({ status: 401, code: 'invalid_token' });
  const challenge = challengeParams(res.headers.get('www-authenticate'));
  expect(challenge).toMatchObject({ realm: 'course-catalogue', error: 'invalid_token' });
  if (description) expect(challenge.error_description).toMatch(description);
  // RFC 6750 §3: the description is plain quoted ASCII.
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="course-catalogue", error="invalid_token", error_description="[\x20\x21\x23-\x5B\x5D-\x7E]+"$/);
}

test('a valid token passes and becomes the principal', async () => {
  const res = await api.call('read', await as.sign({ sub: 'alice', client_id: 'web-app', scope: 'read openid' }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ operation: 'read', actorName: 'alice', subject: 'alice', clientId: 'web-app', hasUser: true, scopes: ['read', 'openid'] });
});

test('a plain JWT (typ JWT, or no typ) and scp as an array are accepted', async () => {
  for (const typ of ['JWT', 'application/at+jwt', null]) {
    const res = await api.call('read', await as.sign({ scope: undefined, scp: ['read', 'update'] }, { typ }));
    expect(res.status).toBe(200);
    expect((await res.json()).scopes).toEqual(['read', 'update']);
  }
});

test('a client-credentials token (sub = client_id, as oidc-provider issues them) has no user; its actor is the client', async () => {
  const res = await api.call('read', await as.sign({ sub: 'batch-job', client_id: 'batch-job' }));
  expect(await res.json()).toMatchObject({ hasUser: false, actorName: 'batch-job', subject: 'batch-job' });
});

describe('hostile tokens are 401 invalid_token', () => {
  test('alg: none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = new UnsecuredJWT({ scope: 'read', sub: 'x' }).setIssuer(as.issuer).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + 300).encode();
    await expectInvalidToken(token, /algorithm/);
  });

  test('HS256 signed with the RSA public key as the HMAC secret (key confusion)', async () => {
    const publicKey = (await importJWK(as.currentKey.publicJwk, 'RS256')) as CryptoKey;
    const secret = new TextEncoder().encode(await exportSPKI(publicKey));
    const token = await new SignJWT({ scope: 'read', sub: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: as.currentKey.kid, typ: 'at+jwt' })
      .setIssuer(as.issuer)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(secret);
    await expectInvalidToken(token, /algorithm/);
  });

  test('expired', async () => {
    await expectInvalidToken(await as.sign({ exp: Math.floor(Date.now() / 1000) - 120 }), /expired/);
  });

  test('expired by less than the clock tolerance still passes', async () => {
    const res = await api.call('read', await as.sign({ exp: Math.floor(Date.now() / 1000) - 5 }));
    expect(res.status).toBe(200);
  });

  test('not yet valid', async () => {
    await expectInvalidToken(await as.sign({ nbf: Math.floor(Date.now() / 1000) + 600 }), /not valid yet/);
  });

  test('wrong issuer', async () => {
    await expectInvalidToken(await as.sign({ iss: 'https://evil.example' }), /untrusted issuer/);
  });

  test('no issuer at all', async () => {
    const token = await new SignJWT({ scope: 'read', sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: as.currentKey.kid }).setAudience(AUDIENCE).setExpirationTime('5m').sign(as.currentKey.privateKey);
    await expectInvalidToken(token, /untrusted issuer/);
  });

  test('wrong audience', async () => {
    await expectInvalidToken(await as.sign({}, { audience: 'https://other-api.example.edu' }), /audience/);
  });

  test('bad signature', async () => {
    const [h, p, s] = (await as.sign()).split('.');
    const bytes = base64url.decode(s!);
    bytes[10]! ^= 0xff;
    await expectInvalidToken(`${h}.${p}.${base64url.encode(bytes)}`, /signature/);
  });

  test('payload altered after signing', async () => {
    const [h, , s] = (await as.sign({ scope: 'read' })).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = base64url.encode(JSON.stringify({ iss: as.issuer, aud: AUDIENCE, sub: 'admin', scope: 'read create update delete', exp: now + 300 }));
    await expectInvalidToken(`${h}.${forged}.${s}`, /signature/);
  });

  test('unknown kid (a key the issuer never published)', async () => {
    const stranger = await newSigningKey();
    const before = as.jwksRequests;
    await expectInvalidToken(await as.sign({}, { key: stranger }), /unknown key/);
    expect(as.jwksRequests).toBe(before + 1); // refetched once in case of rotation, then refused
  });

  test('no exp', async () => {
    const token = await new SignJWT({ scope: 'read', sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: as.currentKey.kid }).setIssuer(as.issuer).setAudience(AUDIENCE).sign(as.currentKey.privateKey);
    await expectInvalidToken(token, /exp/);
  });

  test('a token that is not an access token (typ)', async () => {
    await expectInvalidToken(await as.sign({}, { typ: 'logout+jwt' }), /typ/);
  });

  test('a malformed scope claim', async () => {
    await expectInvalidToken(await as.sign({ scope: 42 as unknown as string }), /scope/);
  });

  test('garbage', async () => {
    for (const garbage of ['garbage', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30', 'eyJ.eyJ.eyJ', '....', `${base64url.encode('{"alg":"RS256"}')}.${base64url.encode('[1,2]')}.AAAA`]) {
      await expectInvalidToken(garbage);
    }
  });

  test('a 10 KB token, garbage or JWT-shaped', async () => {
    await expectInvalidToken('A'.repeat(10 * 1024), /too long/);
    await expectInvalidToken(await as.sign({ padding: 'x'.repeat(10 * 1024) }), /too long/);
  });
});

test('a rotated key is picked up without a restart', async () => {
  expect((await api.call('read', await as.sign())).status).toBe(200);
  await as.rotate({ dropOld: true });
  const res = await api.call('read', await as.sign());
  expect(res.status).toBe(200);
});

test('no token gets a bare challenge (RFC 6750 §3.1), not an error code', async () => {
  const res = await api.call('read');
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="course-catalogue"');
  expect((await res.json()).errors[0].code).toBe('unauthenticated');
});

test('no log line contains a token, valid or not', async () => {
  const tokens = [await as.sign({ sub: 'log-check' }), await as.sign({ exp: 1 }), 'opaque-garbage-token-1234'];
  for (const t of tokens) await api.call('read', t);
  const logs = api.logLines.join('\n');
  expect(logs).toContain('bearer token refused'); // the refusals are logged…
  for (const t of tokens) expect(logs).not.toContain(t); // …without the token
  for (const t of tokens) expect(logs).not.toContain(t.split('.')[2] ?? t);
});
