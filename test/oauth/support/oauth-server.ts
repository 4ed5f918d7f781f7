// The real server, with the built-in authorization server on and its data
// folder in a temporary directory, plus the steps of the OAuth flows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { startTestServer, type TestServer } from '../../support/server.js';
import { DEFAULT_CLIENT_SECRET } from '../../../src/oauth/index.js';
import type { TrustedIssuer } from '../../../src/auth/types.js';
import type { Database } from '../../../src/db/database.js';
import { Browser, basicAuth, consentCheckboxes, formAction, pkcePair, postForm } from './http.js';
import { DEMO_POLICY_FILE } from './protected-route.js';

export const POSTMAN_CALLBACK = 'http://localhost:5432/oauth2client';
export const DEMO_CLIENT = { id: 'demo_client', secret: DEFAULT_CLIENT_SECRET };
export const DEMO_AUTH = basicAuth(DEMO_CLIENT.id, DEMO_CLIENT.secret);

export interface OAuthTestServer extends TestServer {
  issuer: string;
  dataDir: string;
  trustedIssuer: TrustedIssuer;
  endpoint(path: string): string;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'oauth-test-'));
}

/**
 * The real server with the built-in authorization server on. Without a
 * `dataDir` it makes a folder of its own and removes it on stop; a given one
 * (a restart test's) is the caller's to keep or remove, as is a given database.
 */
export async function startOAuthServer(env: Record<string, string> = {}, dataDir?: string, db?: Database): Promise<OAuthTestServer> {
  const folder = dataDir ?? tempDataDir();
  // Its sessions, grants and keys are in the database: a restart test passes the same one again.
  const server = await startTestServer({ DEV_AUTH_SERVER: '1', DATA_DIR: folder, OAUTH_POLICY_FILE: DEMO_POLICY_FILE, ...env }, { db });
  const issuer = `${server.url}/oauth`;
  return {
    ...server,
    issuer,
    dataDir: folder,
    trustedIssuer: { issuer, audience: server.url, jwksUri: `${issuer}/jwks` },
    endpoint: (path) => `${issuer}${path}`,
    async stop() {
      await server.stop();
      if (!dataDir) removeDataDir(folder);
    },
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope: string;
  username: string;
  password?: string;
  /** Scopes to untick on the consent page. */
  untick?: string[];
}

export interface AuthorizeResult {
  code: string;
  verifier: string;
  redirectUri: string;
  /** The scopes the consent page offered. */
  offered: string[];
  browser: Browser;
}

/** Sign-in and consent over HTTP, as a browser would; returns the authorization code. */
export async function authorize(server: OAuthTestServer, options: AuthorizeOptions): Promise<AuthorizeResult> {
  const browser = new Browser();
  const { verifier, challenge } = pkcePair();
  const redirectUri = options.redirectUri ?? POSTMAN_CALLBACK;
  const state = Math.random().toString(36).slice(2);
  const params = new URLSearchParams({
    client_id: options.clientId ?? DEMO_CLIENT.id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: options.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const start = `${server.endpoint('/auth')}?${params}`;
  let { res, url } = await browser.follow(await browser.get(start), start);
  expect(res.status).toBe(200);
  let html = await res.text();
  expect(html).toContain('Sign in');

  const login = new URL(formAction(html), url).toString();
  ({ res, url } = await browser.follow(await browser.post(login, { username: options.username, password: options.password ?? `${options.username}pass` }), login));
  expect(res.status).toBe(200);
  html = await res.text();
  expect(html).toContain('Allow access?');
  const boxes = consentCheckboxes(html);
  const untick = new Set(options.untick ?? []);
  const ticked = boxes.filter((b) => !b.disabled && !untick.has(b.value)).map((b) => b.value);

  const confirm = new URL(formAction(html), url).toString();
  const done = await browser.follow(await browser.post(confirm, { scope: ticked, decision: 'allow' }), confirm);
  const callback = new URL(done.url);
  expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
  expect(callback.searchParams.get('state')).toBe(state);
  // RFC 9207: the issuer comes back with the code.
  expect(callback.searchParams.get('iss')).toBe(server.issuer);
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${done.url}`);
  return { code, verifier, redirectUri, offered: boxes.map((b) => b.value), browser };
}

export async function exchangeCode(server: OAuthTestServer, result: Pick<AuthorizeResult, 'code' | 'verifier' | 'redirectUri'>, auth = DEMO_AUTH) {
  return postForm(server.endpoint('/token'), { grant_type: 'authorization_code', code: result.code, redirect_uri: result.redirectUri, code_verifier: result.verifier }, { authorization: auth });
}

export async function clientCredentials(server: OAuthTestServer, scope: string, auth = DEMO_AUTH) {
  return postForm(server.endpoint('/token'), { grant_type: 'client_credentials', scope }, { authorization: auth });
}

/** The payload of a JWT, unverified (the API verifies; tests look). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}
