// `npm run token`: the command's logic against the running server.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { runTokenCommand } from '../../src/oauth/token-command.js';
import { jwtClaims, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server?.stop());

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTokenCommand(argv, { PORT: new URL(server.url).port, ...env }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('prints only the access token, with the scopes asked for', async () => {
  const { code, out, err } = await run(['--scope', 'read create']);
  expect({ code, err }).toEqual({ code: 0, err: '' });
  expect(out.split('.')).toHaveLength(3);
  expect(jwtClaims(out)).toMatchObject({ scope: 'read create', client_id: 'demo_client', aud: server.url });
});

test('--json prints the whole token response', async () => {
  const { code, out } = await run(['--json']);
  expect(code).toBe(0);
  expect(JSON.parse(out)).toMatchObject({ token_type: 'Bearer', scope: 'read' });
});

test('refusals are explained on stderr with the OAuth error', async () => {
  expect(await run(['--scope', 'frobnicate'])).toMatchObject({ code: 1, out: '', err: expect.stringContaining('invalid_scope') });
  expect(await run(['--client-secret', 'wrong'])).toMatchObject({ code: 1, err: expect.stringContaining('invalid_client') });
});

test('a server that is not there, or bad arguments', async () => {
  expect(await run([], { PORT: '1' })).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach') });
  expect(await run(['--nope'])).toMatchObject({ code: 2, err: expect.stringContaining('usage') });
  expect(await run(['--client-id', 'other'])).toMatchObject({ code: 2, err: expect.stringContaining('--client-secret') });
});
