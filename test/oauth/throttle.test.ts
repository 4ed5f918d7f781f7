// Guessing is throttled at the built-in authorization server (RFC 6585 §4:
// 429 with Retry-After): client secrets at the token, introspection and
// revocation endpoints, passwords on the sign-in page. Failures count per
// name (client id or user name) and address, per name, and per address; once
// blocked, even the right secret or password is refused until the block ends,
// so a guesser learns nothing. With REDIS_URL, every instance shares the counts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Redis } from 'ioredis';
import { DEMO_AUTH, clientCredentials, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { Browser, basicAuth, formAction, pkcePair, postForm } from './support/http.js';

const WRONG_AUTH = basicAuth('demo_client', 'not-the-secret');
/** Small limits so that a test reaches them quickly; the block is short so that a test can wait it out. */
const SMALL = { DEV_AUTH_MAX_FAILURES: '3', DEV_AUTH_BLOCK_S: '2', DEV_AUTH_FAILURE_WINDOW_S: '60' };

function retryAfterSeconds(headers: Headers): number {
  const value = headers.get('retry-after');
  expect(value).toMatch(/^\d+$/); // RFC 9110 §10.2.3: delay-seconds
  return Number(value);
}

/** Waits out a block: the Retry-After it announced, plus a little for the store's clock. */
const waitOut = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 250));

describe('client secrets', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer(SMALL);
  });
  afterAll(() => server?.stop());

  test('after 3 wrong secrets the client is blocked for this address: 429 with Retry-After, even with the right secret, until the block ends', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await clientCredentials(server, 'read', WRONG_AUTH);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
    }
    const refused = await clientCredentials(server, 'read');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('too_many_requests');
    expect(refused.body.access_token).toBeUndefined();
    const wait = retryAfterSeconds(refused.headers);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);

    // The secret in the body (client_secret_post) is the same client: refused as well.
    const inBody = await postForm(server.endpoint('/token'), { grant_type: 'client_credentials', client_id: 'demo_client', client_secret: 'demo_client_secret', scope: 'read' });
    expect(inBody.status).toBe(429);

    await waitOut(wait);
    const after = await clientCredentials(server, 'read');
    expect(after.status).toBe(200);
    expect(after.body.access_token).toEqual(expect.any(String));
  });

  test('a success resets the consecutive failures of the client at this address', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await clientCredentials(server, 'read', WRONG_AUTH)).status).toBe(401);
      expect((await clientCredentials(server, 'read')).status).toBe(200);
    }
  });

  test('wrong secrets at introspection and revocation count too, and in the body as at the header', async () => {
    const token = (await clientCredentials(server, 'read')).body.access_token as string;
    expect((await postForm(server.endpoint('/token/introspection'), { token }, { authorization: WRONG_AUTH })).status).toBe(401);
    expect((await postForm(server.endpoint('/token/revocation'), { token }, { authorization: WRONG_AUTH })).status).toBe(401);
    const third = await postForm(server.endpoint('/token/introspection'), { token, client_id: 'demo_client', client_secret: 'wrong' });
    expect(third.status).toBe(401);

    const refused = await postForm(server.endpoint('/token/introspection'), { token }, { authorization: DEMO_AUTH });
    expect(refused.status).toBe(429);
    expect(refused.body.active).toBeUndefined();
    await waitOut(retryAfterSeconds(refused.headers));
    expect((await postForm(server.endpoint('/token/introspection'), { token }, { authorization: DEMO_AUTH })).body).toMatchObject({ active: true });
  });
});

describe('per address and per name', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    // Behind a proxy, so that the test can speak from several addresses (X-Forwarded-For).
    server = await startOAuthServer({ ...SMALL, DEV_AUTH_MAX_FAILURES: '100', DEV_AUTH_MAX_FAILURES_PER_ADDRESS: '4', DEV_AUTH_MAX_FAILURES_PER_NAME: '5', TRUST_PROXY: '1' });
  });
  afterAll(() => server?.stop());

  const from = (address: string, auth: string) =>
    postForm(server.endpoint('/token'), { grant_type: 'client_credentials', scope: 'read' }, { authorization: auth, 'x-forwarded-for': address });

  test('one address trying many client ids is blocked, whatever the next client id; other addresses are not', async () => {
    for (let i = 0; i < 4; i++) expect((await from('198.51.100.7', basicAuth(`guess-${i}`, 'x'))).status).toBe(401);
    expect((await from('198.51.100.7', DEMO_AUTH)).status).toBe(429);
    expect((await from('198.51.100.8', DEMO_AUTH)).status).toBe(200);
  });

  test('one client id guessed at from many addresses is blocked for every address', async () => {
    for (let i = 0; i < 5; i++) expect((await from(`203.0.113.${i + 1}`, WRONG_AUTH)).status).toBe(401);
    const refused = await from('203.0.113.200', DEMO_AUTH);
    expect(refused.status).toBe(429);
    expect(retryAfterSeconds(refused.headers)).toBeLessThanOrEqual(2);
  });
});

/** Opens the sign-in page of a fresh authorization request; returns the browser and the form's address. */
async function openSignIn(server: OAuthTestServer): Promise<{ browser: Browser; login: string }> {
  const browser = new Browser();
  const params = new URLSearchParams({
    client_id: 'demo_client',
    response_type: 'code',
    redirect_uri: 'http://localhost:5432/oauth2client',
    scope: 'openid read',
    state: 's',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });
  const start = `${server.endpoint('/auth')}?${params}`;
  const { res, url } = await browser.follow(await browser.get(start), start);
  expect(res.status).toBe(200);
  return { browser, login: new URL(formAction(await res.text()), url).toString() };
}

describe('passwords on the sign-in page', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer(SMALL);
  });
  afterAll(() => server?.stop());

  test('after 3 wrong passwords the user is blocked for this address: 429 page with Retry-After, even with the right password, until the block ends', async () => {
    const { browser, login } = await openSignIn(server);
    for (let i = 0; i < 3; i++) {
      const wrong = await browser.post(login, { username: 'user1', password: `wrong-${i}` });
      expect(wrong.status).toBe(401);
      await wrong.text();
    }
    const refused = await browser.post(login, { username: 'user1', password: 'user1pass' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    expect(await refused.text()).toMatch(/Too many/i);
    const wait = retryAfterSeconds(refused.headers);
    expect(wait).toBeLessThanOrEqual(2);

    // Another user from the same address is not blocked by user1's failures.
    const other = await openSignIn(server);
    const user2 = await other.browser.post(other.login, { username: 'user2', password: 'user2pass' });
    expect(user2.status).toBeGreaterThanOrEqual(300);
    expect(user2.status).toBeLessThan(400);

    await waitOut(wait);
    const ok = await browser.post(login, { username: 'user1', password: 'user1pass' });
    expect(ok.status).toBeGreaterThanOrEqual(300); // on to consent
    expect(ok.status).toBeLessThan(400);
  });

  test('a success resets the consecutive failures', async () => {
    for (let round = 0; round < 2; round++) {
      const { browser, login } = await openSignIn(server);
      for (let i = 0; i < 2; i++) expect((await browser.post(login, { username: 'user2', password: 'nope' })).status).toBe(401);
      const ok = await browser.post(login, { username: 'user2', password: 'user2pass' });
      expect(ok.status).toBeGreaterThanOrEqual(300);
      expect(ok.status).toBeLessThan(400);
    }
  });
});

describe('with REDIS_URL, instances share the counts', () => {
  const REDIS_URL = 'redis://127.0.0.1:6379';
  // A prefix of its own, so that runs (and other test files) never see each other's counts.
  const prefix = `test-throttle-${randomUUID()}:`;
  let a: OAuthTestServer;
  let b: OAuthTestServer;
  beforeAll(async () => {
    const env = { ...SMALL, REDIS_URL, REDIS_KEY_PREFIX: prefix };
    [a, b] = await Promise.all([startOAuthServer(env), startOAuthServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0); // the counts were there
    await redis.del(...keys);
    await redis.quit();
  });

  test('failures at one instance block the client at the other', async () => {
    expect((await clientCredentials(a, 'read', WRONG_AUTH)).status).toBe(401);
    expect((await clientCredentials(b, 'read', WRONG_AUTH)).status).toBe(401);
    expect((await clientCredentials(a, 'read', WRONG_AUTH)).status).toBe(401);
    const refused = await clientCredentials(b, 'read');
    expect(refused.status).toBe(429);
    expect(retryAfterSeconds(refused.headers)).toBeLessThanOrEqual(2);
    expect((await clientCredentials(a, 'read')).status).toBe(429);
  });

  test('and the sign-in counts too', async () => {
    for (const server of [a, b, a]) {
      const { browser, login } = await openSignIn(server);
      expect((await browser.post(login, { username: 'user3', password: 'wrong' })).status).toBe(401);
    }
    const { browser, login } = await openSignIn(b);
    expect((await browser.post(login, { username: 'user3', password: 'user3pass' })).status).toBe(429);
  });
});

describe('without REDIS_URL', () => {
  let a: OAuthTestServer;
  let b: OAuthTestServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startOAuthServer(SMALL), startOAuthServer(SMALL)]);
  });
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));

  test('each instance counts alone', async () => {
    for (let i = 0; i < 3; i++) expect((await clientCredentials(a, 'read', WRONG_AUTH)).status).toBe(401);
    expect((await clientCredentials(a, 'read')).status).toBe(429);
    expect((await clientCredentials(b, 'read')).status).toBe(200);
  });
});
