// Signing keys and grants live in the data folder: tokens and refresh tokens
// survive a restart, and `npm run keys:rotate` retires a key without breaking
// the tokens it signed.
import { statSync } from 'node:fs';
import { afterAll, expect, test } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { keyFilePath, readSigningKeys, rotateSigningKeys, RETIRED_KEYS_KEPT } from '../../src/oauth/keys.js';
import { storeFilePath } from '../../src/oauth/store.js';
import { DEMO_AUTH, authorize, clientCredentials, exchangeCode, removeDataDir, startOAuthServer, tempDataDir, type OAuthTestServer } from './support/oauth-server.js';
import { postForm } from './support/http.js';
import { callProtectedRoute } from './support/protected-route.js';

const dataDir = tempDataDir();
afterAll(() => removeDataDir(dataDir));

async function verifyAgainst(server: OAuthTestServer, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(server.trustedIssuer.jwksUri!)), { issuer: server.issuer, audience: server.url, typ: 'at+jwt' });
}

test('keys and refresh tokens survive a restart; a rotated key keeps verifying', async () => {
  // First start: keys generated and kept, owner-only.
  let server = await startOAuthServer({}, dataDir);
  const keyFile = keyFilePath(dataDir);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  const firstKid = readSigningKeys(keyFile)!.keys[0]!.kid;
  const before = (await clientCredentials(server, 'read')).body.access_token as string;
  expect(decodeProtectedHeader(before).kid).toBe(firstKid);
  const grant = await authorize(server, { scope: 'read auth-columbia demo-djt-sla-bronze https://api.columbia.edu/scope/group', username: 'user1' });
  const refreshToken = (await exchangeCode(server, grant)).body.refresh_token as string;
  expect(statSync(storeFilePath(dataDir)).size).toBeGreaterThan(0);
  const port = new URL(server.url).port;
  await server.stop();

  // Restart on the same port (the issuer is part of the tokens): same key, same grants.
  server = await startOAuthServer({ PORT: port }, dataDir);
  try {
    await expect(verifyAgainst(server, before)).resolves.toBeDefined();
    const refreshed = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: DEMO_AUTH });
    expect(refreshed.status).toBe(200);
    expect(await callProtectedRoute(server, refreshed.body.access_token as string, 'GET')).toEqual({ status: 200 });
  } finally {
    await server.stop();
  }

  // Rotate, restart: the new key signs, the old one is still published.
  const rotation = await rotateSigningKeys(dataDir);
  expect(rotation.published).toEqual([rotation.current, firstKid]);
  server = await startOAuthServer({ PORT: port }, dataDir);
  try {
    const after = (await clientCredentials(server, 'read')).body.access_token as string;
    expect(decodeProtectedHeader(after).kid).toBe(rotation.current);
    await expect(verifyAgainst(server, after)).resolves.toBeDefined();
    await expect(verifyAgainst(server, before)).resolves.toBeDefined();
    const jwks = (await (await fetch(server.trustedIssuer.jwksUri!)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotation.current, firstKid]);
    // Only public halves are published.
    for (const key of jwks.keys) expect(key.d).toBeUndefined();
  } finally {
    await server.stop();
  }

  // Rotating again and again: the oldest keys stop being published.
  let last = await rotateSigningKeys(dataDir);
  for (let i = 1; i < RETIRED_KEYS_KEPT + 1; i++) last = await rotateSigningKeys(dataDir);
  expect(last.published).toHaveLength(1 + RETIRED_KEYS_KEPT);
  expect(last.published).not.toContain(firstKid);
});
