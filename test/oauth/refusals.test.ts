// What the built-in authorization server refuses, and with which OAuth error
// code: RFC 6749 §4.1.2.1 and §5.2, RFC 7636 §4.4.1 and §4.6, RFC 8707 §2.
// Every malformed request gets a 4xx, never a 500.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  DEMO_AUTH,
  POSTMAN_CALLBACK,
  authorize,
  clientCredentials,
  exchangeCode,
  jwtClaims,
  startOAuthServer,
  type OAuthTestServer,
} from './support/oauth-server.js';
import { Browser, basicAuth, formAction, pkcePair, postForm } from './support/http.js';
import { callProtectedRoute } from './support/protected-route.js';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server?.stop());

function authUrl(params: Record<string, string | undefined>): string {
  const { challenge } = pkcePair();
  const all: Record<string, string | undefined> = {
    client_id: 'demo_client',
    response_type: 'code',
    redirect_uri: POSTMAN_CALLBACK,
    scope: 'read',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  const query = new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  return `${server.endpoint('/auth')}?${query}`;
}

/** The error the authorization endpoint sends back to the client's redirect URI. */
async function redirectedError(url: string): Promise<Record<string, string | null>> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBeGreaterThanOrEqual(300);
  expect(res.status).toBeLessThan(400);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(POSTMAN_CALLBACK);
  return { error: location.searchParams.get('error'), state: location.searchParams.get('state'), description: location.searchParams.get('error_description') };
}

describe('client credentials', () => {
  test('gives a JWT the API accepts, for the client itself', async () => {
    const res = await clientCredentials(server, 'read auth-none demo-djt-sla-bronze');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'read auth-none demo-djt-sla-bronze' });
    expect(res.body.refresh_token).toBeUndefined(); // RFC 6749 §4.4.3
    const token = res.body.access_token as string;
    expect(jwtClaims(token)).toMatchObject({ iss: server.issuer, aud: server.url, sub: 'demo_client', client_id: 'demo_client' });
    expect(await callProtectedRoute(server, token, 'GET')).toEqual({ status: 200 });
    expect(await callProtectedRoute(server, token, 'DELETE')).toEqual({ status: 403, error: 'insufficient_scope' });
  });

  test('the secret may also come in the body (client_secret_post), as curl users often send it', async () => {
    const res = await postForm(server.endpoint('/token'), { grant_type: 'client_credentials', client_id: 'demo_client', client_secret: 'demo_client_secret', scope: 'read' });
    expect(res.status).toBe(200);
  });

  test('no client authentication at all: 401 invalid_client (RFC 6749 §5.2)', async () => {
    const res = await postForm(server.endpoint('/token'), { grant_type: 'client_credentials', client_id: 'demo_client', scope: 'read' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  test('a wrong client secret: 401 invalid_client (RFC 6749 §5.2)', async () => {
    const res = await clientCredentials(server, 'read', basicAuth('demo_client', 'not-the-secret'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  test('an unknown client: 401 invalid_client', async () => {
    const res = await clientCredentials(server, 'read', basicAuth('nobody', 'x'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  test('an unknown scope: 400 invalid_scope, not silently dropped', async () => {
    const res = await clientCredentials(server, 'read frobnicate');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_scope', scope: 'frobnicate' });
  });

  test('another resource: 400 invalid_target (RFC 8707 §2)', async () => {
    const res = await postForm(server.endpoint('/token'), { grant_type: 'client_credentials', scope: 'read', resource: 'https://elsewhere.example/' }, { authorization: DEMO_AUTH });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_target');
  });

  test('a public client may not use it: 400 unauthorized_client', async () => {
    const res = await postForm(server.endpoint('/token'), { grant_type: 'client_credentials', client_id: 'playground', scope: 'read' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('authorization request', () => {
  test('without a PKCE challenge: back to the client with invalid_request (RFC 7636 §4.4.1)', async () => {
    const answer = await redirectedError(authUrl({ code_challenge: undefined, code_challenge_method: undefined }));
    expect(answer).toMatchObject({ error: 'invalid_request', state: 's1' });
  });

  test('with the plain PKCE method: invalid_request (S256 only)', async () => {
    const answer = await redirectedError(authUrl({ code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }));
    expect(answer.error).toBe('invalid_request');
  });

  test('an unknown scope: back to the client with invalid_scope (RFC 6749 §4.1.2.1)', async () => {
    const answer = await redirectedError(authUrl({ scope: 'openid read frobnicate' }));
    expect(answer).toMatchObject({ error: 'invalid_scope', state: 's1' });
  });

  test('the implicit flow: unsupported_response_type, in the fragment as that flow would have it', async () => {
    const res = await fetch(authUrl({ response_type: 'token' }), { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(new URLSearchParams(location.hash.slice(1)).get('error')).toBe('unsupported_response_type');
  });

  test('a redirect URI not registered: a page for the person, no redirect (RFC 6749 §4.1.2.1)', async () => {
    const res = await fetch(authUrl({ redirect_uri: 'https://attacker.example/callback' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('invalid_redirect_uri');
    expect(html).not.toContain('<script');
  });

  test('an unknown client: a page, no redirect', async () => {
    const res = await fetch(authUrl({ client_id: 'nobody' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('invalid_client');
  });

  test('the user denies: back to the client with access_denied', async () => {
    const browser = new Browser();
    const start = authUrl({ scope: 'read' });
    let { res, url } = await browser.follow(await browser.get(start), start);
    const login = new URL(formAction(await res.text()), url).toString();
    ({ res, url } = await browser.follow(await browser.post(login, { username: 'user1', password: 'user1pass' }), login));
    const confirm = new URL(formAction(await res.text()), url).toString();
    const done = await browser.follow(await browser.post(confirm, { decision: 'deny' }), confirm);
    expect(new URL(done.url).searchParams.get('error')).toBe('access_denied');
  });
});

describe('sign-in and consent pages', () => {
  async function signInPage(): Promise<{ browser: Browser; login: string }> {
    const browser = new Browser();
    const start = authUrl({});
    const { res, url } = await browser.follow(await browser.get(start), start);
    return { browser, login: new URL(formAction(await res.text()), url).toString() };
  }

  test('a wrong password shows the sign-in page again with a message, 401', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login, { username: 'user1', password: 'wrong' });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('value="user1"');
  });

  test('an unknown user gets the same answer as a wrong password', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login, { username: 'nobody', password: 'x' });
    expect(res.status).toBe(401);
  });

  test('a form without the fields: 400 page', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login, {});
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('username and password are required');
  });

  test('a repeated field is not taken as a password', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login, { username: 'user1', password: ['user1pass', 'x'] });
    expect(res.status).toBe(400);
  });

  test('a body that is not a form, or badly encoded: 4xx page', async () => {
    const { login } = await signInPage();
    const bad = await fetch(login, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' }, body: 'username=a' });
    expect(bad.status).toBe(415);
    const json = await fetch(login, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"user1","password":"user1pass"}' });
    expect(json.status).toBe(400);
  });

  test('an unknown or foreign interaction: 400 page, not 500', async () => {
    for (const url of [server.endpoint('/interaction/nope'), server.endpoint('/interaction/nope/login'), server.endpoint('/interaction/nope/confirm')]) {
      const res = url.endsWith('nope') ? await fetch(url) : await fetch(url, { method: 'POST', body: new URLSearchParams({ decision: 'allow' }) });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('cannot continue');
    }
  });

  test('consent posted at the sign-in step: 400 page', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login.replace(/\/login$/, '/confirm'), { decision: 'allow' });
    expect(res.status).toBe(400);
  });

  test('a consent decision that is neither allow nor deny: 400 page', async () => {
    const browser = new Browser();
    const start = authUrl({});
    let { res, url } = await browser.follow(await browser.get(start), start);
    const login = new URL(formAction(await res.text()), url).toString();
    ({ res, url } = await browser.follow(await browser.post(login, { username: 'user2', password: 'user2pass' }), login));
    const confirm = new URL(formAction(await res.text()), url).toString();
    const answer = await browser.post(confirm, { decision: 'maybe' });
    expect(answer.status).toBe(400);
  });

  test('an oversized form: 413, not 500', async () => {
    const { browser, login } = await signInPage();
    const res = await browser.post(login, { username: 'user1', password: 'x'.repeat(64 * 1024) });
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(html).toContain('could not be read');
    expect(html).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});

describe('token endpoint with an authorization code', () => {
  test('without the PKCE verifier: invalid_grant (RFC 7636 §4.6)', async () => {
    const grant = await authorize(server, { scope: 'read', username: 'user1' });
    const res = await postForm(server.endpoint('/token'), { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri }, { authorization: DEMO_AUTH });
    expect(res.status).toBe(400);
    expect(['invalid_grant', 'invalid_request']).toContain(res.body.error);
  });

  test('with a wrong PKCE verifier: invalid_grant (RFC 7636 §4.6)', async () => {
    const grant = await authorize(server, { scope: 'read', username: 'user1' });
    const res = await exchangeCode(server, { ...grant, verifier: pkcePair().verifier });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('with another redirect URI than the authorization request: invalid_grant (RFC 6749 §4.1.3)', async () => {
    const grant = await authorize(server, { scope: 'read', username: 'user1' });
    const res = await exchangeCode(server, { ...grant, redirectUri: 'https://oauth.pstmn.io/v1/callback' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  test('a refresh asking for a scope never granted: invalid_scope; an unknown scope: invalid_scope', async () => {
    const grant = await authorize(server, { scope: 'read create', username: 'user1', untick: ['create'] });
    const refreshToken = (await exchangeCode(server, grant)).body.refresh_token as string;
    for (const scope of ['read create', 'read frobnicate']) {
      const res = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken, scope }, { authorization: DEMO_AUTH });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
    }
    const narrower = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'read' }, { authorization: DEMO_AUTH });
    expect(narrower.status).toBe(200);
  });

  test('malformed token requests: 400 with an OAuth error, never 500', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'invalid_request'],
      [{ grant_type: 'password', username: 'user1', password: 'user1pass' }, 'unsupported_grant_type'],
      [{ grant_type: 'authorization_code' }, 'invalid_request'],
      [{ grant_type: 'authorization_code', code: 'nope', redirect_uri: POSTMAN_CALLBACK, code_verifier: 'x'.repeat(43) }, 'invalid_grant'],
      [{ grant_type: 'refresh_token', refresh_token: 'nope' }, 'invalid_grant'],
    ];
    for (const [form, error] of cases) {
      const res = await postForm(server.endpoint('/token'), form, { authorization: DEMO_AUTH });
      expect({ form, status: res.status, error: res.body.error }).toEqual({ form, status: 400, error });
    }
    const json = await fetch(server.endpoint('/token'), { method: 'POST', headers: { authorization: DEMO_AUTH, 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    const garbage = await fetch(server.endpoint('/token'), { method: 'POST', headers: { authorization: 'Basic !!!', 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect([400, 401]).toContain(garbage.status);
  });
});

describe('introspection and revocation', () => {
  test('need client authentication (RFC 7662 §2.1)', async () => {
    const res = await postForm(server.endpoint('/token/introspection'), { token: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  test('a token that is not ours, or garbage: active false', async () => {
    for (const token of ['nope', 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.', 'a.b.c']) {
      const res = await postForm(server.endpoint('/token/introspection'), { token }, { authorization: DEMO_AUTH });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
  });

  test('a client-credentials JWT introspects as active, without the private grant claim', async () => {
    const token = (await clientCredentials(server, 'read')).body.access_token as string;
    const res = await postForm(server.endpoint('/token/introspection'), { token }, { authorization: DEMO_AUTH });
    expect(res.body).toMatchObject({ active: true, client_id: 'demo_client', scope: 'read', aud: server.url, iss: server.issuer });
    expect(res.body.grant_id).toBeUndefined();
  });

  test('revoking a JWT access token: unsupported_token_type (RFC 7009 §2.2.1), it lives until exp', async () => {
    const token = (await clientCredentials(server, 'read')).body.access_token as string;
    const res = await postForm(server.endpoint('/token/revocation'), { token }, { authorization: DEMO_AUTH });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_token_type');
  });

  test('revoking an unknown token: 200 (RFC 7009 §2.2)', async () => {
    const res = await postForm(server.endpoint('/token/revocation'), { token: 'nope' }, { authorization: DEMO_AUTH });
    expect(res.status).toBe(200);
  });
});
