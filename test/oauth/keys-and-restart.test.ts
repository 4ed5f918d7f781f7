// Signing keys, cookie keys and grants live in the database: tokens and
// refresh tokens survive a restart, private keys are stored encrypted when
// DEV_KEYS_SECRET is set, `npm run keys:rotate` (KeyStore.rotate) is honoured
// by a running server without a restart and retires a key without breaking the
// tokens it signed, and an earlier version's DATA_DIR/oauth files are
// imported once.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Database } from '../../src/db/database.js';
import { KeyStore } from '../../src/oauth/key-store.js';
import { RETIRED_KEYS_KEPT, generateSigningKey, keyFilePath } from '../../src/oauth/keys.js';
import { createTestDatabase } from '../support/database.js';
import { DEMO_AUTH, authorize, clientCredentials, exchangeCode, removeDataDir, startOAuthServer, tempDataDir, type OAuthTestServer } from './support/oauth-server.js';
import { postForm } from './support/http.js';
import { callProtectedRoute } from './support/protected-route.js';

const dataDir = tempDataDir();
const KEYS_SECRET = 'a-keys-secret-of-forty-characters-000001';
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
  removeDataDir(dataDir);
});

async function verifyAgainst(server: OAuthTestServer, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(server.trustedIssuer.jwksUri!)), { issuer: server.issuer, audience: server.url, typ: 'at+jwt' });
}

const publishedKids = async (server: OAuthTestServer) => ((await (await fetch(server.trustedIssuer.jwksUri!)).json()) as { keys: { kid: string; d?: string }[] }).keys;

async function until<T>(what: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('keys and refresh tokens survive a restart; a rotation is honoured by the running server; a rotated key keeps verifying', async () => {
  const env = { DEV_KEYS_SECRET: KEYS_SECRET, DEV_KEYS_REFRESH_S: '1' };
  let server = await startOAuthServer(env, dataDir, db);
  // Stored encrypted: no private part readable in the table.
  const rows = await db.prisma.oauthKey.findMany();
  expect(rows.map((r) => r.use).sort()).toEqual(['cookie', 'sig']);
  for (const row of rows) {
    expect(row.encrypted).toBe(true);
    expect(row.secret).toMatch(/^v1\./);
  }
  const firstKid = rows.find((r) => r.use === 'sig')!.kid;
  const before = (await clientCredentials(server, 'read')).body.access_token as string;
  expect(decodeProtectedHeader(before).kid).toBe(firstKid);
  const grant = await authorize(server, { scope: 'read auth-columbia demo-djt-sla-bronze https://api.columbia.edu/scope/group', username: 'user1' });
  const refreshToken = (await exchangeCode(server, grant)).body.refresh_token as string;
  expect(await db.prisma.oauthPayload.count({ where: { model: { in: ['Session', 'Grant', 'RefreshToken'] } } })).toBeGreaterThanOrEqual(3);
  const port = new URL(server.url).port;
  await server.stop();

  // Restart on the same port (the issuer is part of the tokens): same key, same grants.
  server = await startOAuthServer({ ...env, PORT: port }, dataDir, db);
  try {
    await expect(verifyAgainst(server, before)).resolves.toBeDefined();
    const refreshed = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: DEMO_AUTH });
    expect(refreshed.status).toBe(200);
    expect(await callProtectedRoute(server, refreshed.body.access_token as string, 'GET')).toEqual({ status: 200 });

    // Rotate while it runs (as npm run keys:rotate does from another process): published first, then signing.
    const rotation = await new KeyStore(db.prisma, { secret: KEYS_SECRET, activationDelayMs: 3_000 }).rotate();
    expect(rotation.published).toEqual([rotation.current, firstKid]);
    const published = await until(() => publishedKids(server), (keys) => keys.some((k) => k.kid === rotation.current));
    expect(published.map((k) => k.kid).sort()).toEqual([rotation.current, firstKid].sort());
    // Only public halves are published.
    for (const key of published) expect(key.d).toBeUndefined();
    const after = await until(
      async () => (await clientCredentials(server, 'read')).body.access_token as string,
      (token) => decodeProtectedHeader(token).kid === rotation.current,
    );
    expect(decodeProtectedHeader(after).kid).toBe(rotation.current);
    expect(Date.now()).toBeGreaterThanOrEqual(rotation.activatesAt.getTime());
    await expect(verifyAgainst(server, after)).resolves.toBeDefined();
    await expect(verifyAgainst(server, before)).resolves.toBeDefined();
  } finally {
    await server.stop();
  }

  // Without the secret the encrypted keys cannot be used: the start stops, naming the setting.
  await expect(startOAuthServer({ PORT: port }, dataDir, db)).rejects.toThrow(/DEV_KEYS_SECRET/);

  // Rotating again and again: the oldest keys stop being published.
  const store = new KeyStore(db.prisma, { secret: KEYS_SECRET, activationDelayMs: 0 });
  let last = await store.rotate();
  for (let i = 1; i < RETIRED_KEYS_KEPT + 1; i++) last = await store.rotate();
  expect(last.published).toHaveLength(1 + RETIRED_KEYS_KEPT);
  expect(last.published).not.toContain(firstKid);
  expect(await db.prisma.oauthKey.count({ where: { use: 'sig' } })).toBe(1 + RETIRED_KEYS_KEPT);
});

test("an earlier version's key files are imported once into an empty database", async () => {
  const folder = tempDataDir();
  const fresh = await createTestDatabase();
  try {
    const key = await generateSigningKey();
    mkdirSync(join(folder, 'oauth'), { recursive: true });
    writeFileSync(keyFilePath(folder), JSON.stringify({ keys: [key] }));
    const server = await startOAuthServer({}, folder, fresh);
    try {
      const token = (await clientCredentials(server, 'read')).body.access_token as string;
      expect(decodeProtectedHeader(token).kid).toBe(key.kid);
      expect(existsSync(keyFilePath(folder))).toBe(false);
      expect(existsSync(`${keyFilePath(folder)}.imported`)).toBe(true);
    } finally {
      await server.stop();
    }
  } finally {
    await fresh.close();
    removeDataDir(folder);
  }
});
