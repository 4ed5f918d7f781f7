// When the built-in authorization server is on, and what it refuses to start with.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logger.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { createAuthorizationServer, InsecureSetupError } from '../../src/oauth/index.js';
import { hashPassword } from '../../src/oauth/passwords.js';
import { removeDataDir, tempDataDir } from './support/oauth-server.js';

const dataDir = tempDataDir();
afterAll(() => removeDataDir(dataDir));
const logger = createLogger('silent');
const publicUrl = 'http://localhost:8000';
// The authorization server keeps its state and keys in the database: one migrated test database for the file.
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());
const create = (env: Record<string, string>) => createAuthorizationServer({ config: loadConfig({ DATA_DIR: dataDir, ...env }), logger, publicUrl, db });

function file(name: string, content: unknown): string {
  const path = join(dataDir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('on or off', () => {
  test('on by default outside production', async () => {
    const server = await create({ NODE_ENV: 'development' });
    expect(server?.trustedIssuer).toEqual({ issuer: `${publicUrl}/oauth`, audience: publicUrl, jwksUri: `${publicUrl}/oauth/jwks` });
  });

  test('off in production unless asked for, off when DEV_AUTH_SERVER=0', async () => {
    expect(await create({ NODE_ENV: 'production' })).toBeNull();
    expect(await create({ NODE_ENV: 'development', DEV_AUTH_SERVER: '0' })).toBeNull();
  });

  test('the audience follows OAUTH_AUDIENCE, which must be a URI', async () => {
    expect((await create({ OAUTH_AUDIENCE: 'https://api.example.edu/' }))?.trustedIssuer.audience).toBe('https://api.example.edu/');
    await expect(create({ OAUTH_AUDIENCE: 'course api' })).rejects.toThrow(/absolute URI/);
  });
});

describe('production mode', () => {
  // Production mode wants hashed passwords (see production-secrets.test.ts).
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword('a long password');
  });
  const users = () => file('users.json', [{ username: 'alice', password: hash, groups: ['team-a'] }]);
  const OWN_SECRET = 'a-client-secret-of-our-own-0123456789';

  test('refuses the default secrets, naming each', async () => {
    const attempt = create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1' });
    await expect(attempt).rejects.toBeInstanceOf(InsecureSetupError);
    await expect(create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1' })).rejects.toThrow(/demo_client.*default secret[\s\S]*DEV_COOKIE_SECRET[\s\S]*DEV_USERS_FILE/);
  });

  test('refuses the documented client secret even when set explicitly, and a short cookie secret', async () => {
    await expect(create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: 'demo_client_secret', DEV_COOKIE_SECRET: 'x'.repeat(40), DEV_USERS_FILE: users() })).rejects.toThrow(/demo_client/);
    await expect(create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: OWN_SECRET, DEV_COOKIE_SECRET: 'short', DEV_USERS_FILE: users() })).rejects.toThrow(/DEV_COOKIE_SECRET must be at least 32/);
    // The signing keys kept in the database are encrypted with DEV_KEYS_SECRET in production.
    await expect(create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: OWN_SECRET, DEV_COOKIE_SECRET: 'x'.repeat(40), DEV_USERS_FILE: users() })).rejects.toThrow(/DEV_KEYS_SECRET must be set/);
    await expect(create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: OWN_SECRET, DEV_COOKIE_SECRET: 'x'.repeat(40), DEV_KEYS_SECRET: 'short', DEV_USERS_FILE: users() })).rejects.toThrow(/DEV_KEYS_SECRET must be at least 32/);
  });

  test('starts with secrets of its own', async () => {
    const server = await create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: OWN_SECRET, DEV_COOKIE_SECRET: 'x'.repeat(40), DEV_KEYS_SECRET: 'k'.repeat(40), DEV_USERS_FILE: users() });
    expect(server).not.toBeNull();
  });
});

describe('users and clients files', () => {
  test('a users file that is not right stops the start with its name and the problem', async () => {
    await expect(create({ DEV_USERS_FILE: file('bad.json', '{nope') })).rejects.toThrow(/DEV_USERS_FILE .*bad\.json/);
    await expect(create({ DEV_USERS_FILE: file('u1.json', [{ username: 'a b', password: 'x' }]) })).rejects.toThrow(/0\.username/);
    await expect(create({ DEV_USERS_FILE: file('u2.json', [{ username: 'a', password: 'x' }, { username: 'a', password: 'y' }]) })).rejects.toThrow(/unique/);
    await expect(create({ DEV_USERS_FILE: join(dataDir, 'missing.json') })).rejects.toThrow(/ENOENT/);
  });

  test('a clients file with a bad client stops the start, naming the client', async () => {
    await expect(create({ DEV_CLIENTS_FILE: file('c1.json', [{ client_id: 'x', redirect_uris: ['not a url'], client_secret: 's' }]) })).rejects.toThrow(/client x/);
    await expect(create({ DEV_CLIENTS_FILE: file('c2.json', { client_id: 'x' }) })).rejects.toThrow(/DEV_CLIENTS_FILE/);
  });

  test('a good clients file replaces the default clients', async () => {
    const clients = file('c3.json', [{ client_id: 'my_app', client_secret: 'my secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }]);
    expect(await create({ DEV_CLIENTS_FILE: clients })).not.toBeNull();
  });
});

describe('discovery', () => {
  test('the metadata names every endpoint, S256 only, and every scope', async () => {
    const { startOAuthServer } = await import('./support/oauth-server.js');
    const server = await startOAuthServer();
    try {
      const res = await fetch(server.endpoint('/.well-known/openid-configuration'));
      expect(res.status).toBe(200);
      const meta = (await res.json()) as Record<string, unknown>;
      const base = server.issuer;
      expect(meta).toMatchObject({
        issuer: base,
        authorization_endpoint: `${base}/auth`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        userinfo_endpoint: `${base}/me`,
        introspection_endpoint: `${base}/token/introspection`,
        revocation_endpoint: `${base}/token/revocation`,
        end_session_endpoint: `${base}/session/end`,
        code_challenge_methods_supported: ['S256'],
        response_types_supported: ['code'],
        authorization_response_iss_parameter_supported: true,
      });
      expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']));
      expect(meta.scopes_supported).toEqual(
        expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'read', 'create', 'update', 'delete', 'write', 'auth-columbia', 'auth-none', 'demo-djt-sla-bronze', 'https://api.columbia.edu/scope/group']),
      );
      expect(meta.claims_supported).toContain('https://api.columbia.edu/claim/group');
    } finally {
      await server.stop();
    }
  });

  test('end-session: a signed-in person gets our sign-out page, then a signed-out page', async () => {
    const { startOAuthServer, authorize } = await import('./support/oauth-server.js');
    const server = await startOAuthServer();
    try {
      const { browser } = await authorize(server, { scope: 'openid read', username: 'user1' });
      const res = await browser.get(server.endpoint('/session/end'));
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Yes, sign me out');
      expect(html).not.toMatch(/https?:\/\/fonts|<link|<script/);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
      const confirm = server.endpoint('/session/end/confirm');
      const done = await browser.follow(await browser.post(confirm, { xsrf, logout: 'yes' }), confirm);
      expect(done.res.status).toBe(200);
      expect(await done.res.text()).toContain('You have signed out');
    } finally {
      await server.stop();
    }
  });
});
