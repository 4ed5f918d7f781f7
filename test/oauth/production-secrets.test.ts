// Production mode refuses weak secrets of the built-in authorization server:
// client secrets under 32 characters, and users files with passwords that are
// not hashed. `npm run hash-password` makes the scrypt hashes (from passwords
// of at least 12 characters), and a hashed password signs in, in every mode.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/http/logger.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { createAuthorizationServer, InsecureSetupError } from '../../src/oauth/index.js';
import { runHashPasswordCommand } from '../../src/oauth/hash-password-command.js';
import { projectPath } from '../../src/paths.js';
import { authorize, removeDataDir, startOAuthServer, tempDataDir } from './support/oauth-server.js';

const dataDir = tempDataDir();
afterAll(() => removeDataDir(dataDir));
const logger = createLogger('silent');
// The authorization server keeps its state and keys in the database: one migrated test database for the file.
let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());
const create = (env: Record<string, string>) => createAuthorizationServer({ config: loadConfig({ DATA_DIR: dataDir, ...env }), logger, publicUrl: 'http://localhost:8000', db });

function file(name: string, content: unknown): string {
  const path = join(dataDir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/** `npm run hash-password`, with the password on standard input. */
async function hashCommand(input: string, argv: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runHashPasswordCommand(argv, { stdin: Readable.from([input]), out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PASSWORD = 'correct horse battery staple';
const LONG_SECRET = 'a-client-secret-of-forty-characters-0001';
const COOKIE_SECRET = 'c'.repeat(40);
let hash: string;
beforeAll(async () => {
  const made = await hashCommand(`${PASSWORD}\n`);
  expect(made).toMatchObject({ code: 0, err: '' });
  hash = made.out;
});

describe('npm run hash-password', () => {
  test('is an npm script', () => {
    const scripts = (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['hash-password']).toContain('dist/src/cli/hash-password.js');
  });

  test('prints a salted scrypt hash (PHC string format), different each time, never the password', async () => {
    expect(hash).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(hash).not.toContain(PASSWORD);
    const again = await hashCommand(PASSWORD);
    expect(again.code).toBe(0);
    expect(again.out).not.toBe(hash);
  });

  test('refuses a password under 12 characters, or none', async () => {
    expect(await hashCommand('short-pass\n')).toMatchObject({ code: 2, out: '', err: expect.stringContaining('at least 12 characters') });
    expect(await hashCommand('')).toMatchObject({ code: 2, out: '' });
    expect(await hashCommand(PASSWORD, ['--nope'])).toMatchObject({ code: 2, err: expect.stringContaining('usage') });
  });
});

describe('production mode', () => {
  const production = (env: Record<string, string>) =>
    create({ NODE_ENV: 'production', DEV_AUTH_SERVER: '1', DEV_CLIENT_SECRET: LONG_SECRET, DEV_COOKIE_SECRET: COOKIE_SECRET, DEV_KEYS_SECRET: 'k'.repeat(40), ...env });
  const hashedUsers = () => file('hashed-users.json', [{ username: 'alice', password: hash, groups: ['team-a'] }]);

  test('refuses a client secret under 32 characters, naming the client', async () => {
    const attempt = production({ DEV_CLIENT_SECRET: 's3cret-of-our-own', DEV_USERS_FILE: hashedUsers() });
    await expect(attempt).rejects.toBeInstanceOf(InsecureSetupError);
    await expect(production({ DEV_CLIENT_SECRET: 's3cret-of-our-own', DEV_USERS_FILE: hashedUsers() })).rejects.toThrow(/demo_client.*at least 32 characters/);
    const clients = file('clients.json', [{ client_id: 'my_app', client_secret: 'x'.repeat(31), grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }]);
    await expect(production({ DEV_CLIENTS_FILE: clients, DEV_USERS_FILE: hashedUsers() })).rejects.toThrow(/my_app.*at least 32 characters/);
  });

  test('refuses a users file with a plain password, naming the user and the way to hash it', async () => {
    const users = file('plain-users.json', [
      { username: 'alice', password: hash },
      { username: 'bob', password: 'a long enough plain password' },
    ]);
    await expect(production({ DEV_USERS_FILE: users })).rejects.toThrow(/bob.*not hashed.*hash-password/);
    await expect(production({ DEV_USERS_FILE: users })).rejects.not.toThrow(/alice/);
  });

  test('refuses a hash weaker than the work factor it requires', async () => {
    // A well-formed scrypt hash with N = 2^10: far below OWASP's N = 2^17, r = 8, p = 1.
    const weak = hash.replace(/ln=\d+/, 'ln=10');
    await expect(production({ DEV_USERS_FILE: file('weak.json', [{ username: 'carol', password: weak }]) })).rejects.toThrow(/carol.*work factor/);
  });

  test('starts with long client secrets and hashed passwords', async () => {
    const clients = file('good-clients.json', [{ client_id: 'my_app', client_secret: LONG_SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }]);
    expect(await production({ DEV_USERS_FILE: hashedUsers() })).not.toBeNull();
    expect(await production({ DEV_USERS_FILE: hashedUsers(), DEV_CLIENTS_FILE: clients })).not.toBeNull();
  });
});

describe('users files', () => {
  test('a malformed hash stops the start, naming the user', async () => {
    await expect(create({ DEV_USERS_FILE: file('bad-hash.json', [{ username: 'dave', password: '$scrypt$ln=17,r=8$nope' }]) })).rejects.toThrow(/DEV_USERS_FILE.*dave/);
  });

  test('outside production a plain password still works (the demo), and a hashed one signs in over HTTP', async () => {
    const users = file('mixed-users.json', [
      { username: 'alice', password: hash, groups: ['team-a', 'team-c'] },
      { username: 'bob', password: 'bobpass' },
    ]);
    const server = await startOAuthServer({ DEV_USERS_FILE: users });
    try {
      // authorize() fails unless the password is taken and the consent page follows.
      await authorize(server, { scope: 'openid read', username: 'alice', password: PASSWORD });
      await authorize(server, { scope: 'openid read', username: 'bob', password: 'bobpass' });
      // The hash itself is not a password.
      await expect(authorize(server, { scope: 'openid read', username: 'alice', password: hash })).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });
});
