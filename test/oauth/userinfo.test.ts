// OpenID Connect Core 1.0 §5.3: the access token of a sign-in (`openid` among
// the scopes) works at the UserInfo endpoint, even when it is the API's JWT
// (openid-client's fetchUserInfo sends exactly that). Tokens that were not
// asked for with `openid` are still refused there, and the API still refuses
// tokens that are not meant for it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DEMO_AUTH, authorize, clientCredentials, exchangeCode, jwtClaims, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { callProtectedRoute } from './support/protected-route.js';
import { postForm } from './support/http.js';

const API_SCOPE = 'read auth-columbia demo-djt-sla-bronze https://api.columbia.edu/scope/group';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server?.stop());

async function userinfo(token: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const res = await fetch(server.endpoint('/me'), { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, challenge: res.headers.get('www-authenticate') };
}

async function signIn(scope: string, username = 'user1', untick: string[] = []) {
  const grant = await authorize(server, { scope, username, untick });
  const tokens = await exchangeCode(server, grant);
  expect(tokens.status).toBe(200);
  return tokens.body as Record<string, string>;
}

test("the sign-in's own access token (openid profile email + API scopes) works at userinfo, and at the API", async () => {
  const tokens = await signIn(`openid profile email ${API_SCOPE}`);
  const accessToken = tokens.access_token!;
  expect(jwtClaims(accessToken).aud).toContain(server.url); // still the API's JWT

  const answer = await userinfo(accessToken);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ sub: 'user1', preferred_username: 'user1', name: 'User One', email: 'user1@example.edu', email_verified: false });
  // The same subject as the ID token (OpenID Connect Core §5.3.2).
  expect(answer.body.sub).toBe(jwtClaims(tokens.id_token!).sub);

  // POST with the token in the body works as well (§5.3.1, RFC 6750 §2.2).
  const posted = await postForm(server.endpoint('/me'), { access_token: accessToken });
  expect(posted.status).toBe(200);
  expect(posted.body.sub).toBe('user1');

  expect(await callProtectedRoute(server, accessToken, 'GET')).toEqual({ status: 200 });
});

test('claims follow the consent: with profile unticked, userinfo leaves the name out', async () => {
  const tokens = await signIn(`openid profile email ${API_SCOPE}`, 'user2', ['profile']);
  const answer = await userinfo(tokens.access_token!);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ sub: 'user2', email: 'user2@example.edu', email_verified: false });
});

test('a token asked for without openid is refused at userinfo (invalid_token), though the API takes it', async () => {
  const tokens = await signIn(API_SCOPE);
  const answer = await userinfo(tokens.access_token!);
  expect(answer.status).toBe(401);
  expect(answer.body.error).toBe('invalid_token');
  expect(answer.challenge).toMatch(/^Bearer /);
  expect(await callProtectedRoute(server, tokens.access_token!, 'GET')).toEqual({ status: 200 });
});

test('a client-credentials token is refused at userinfo (no user)', async () => {
  const token = (await clientCredentials(server, 'read auth-none demo-djt-sla-bronze')).body.access_token as string;
  expect((await userinfo(token)).status).toBe(401);
});

test('a forged or altered token is refused at userinfo', async () => {
  const tokens = await signIn(`openid ${API_SCOPE}`);
  const [header, payload, signature] = tokens.access_token!.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const altered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user2' })).toString('base64url')}.${signature}`;
  expect((await userinfo(altered)).status).toBe(401);
});

test('after the grant is revoked, its access token no longer works at userinfo', async () => {
  const tokens = await signIn(`openid profile ${API_SCOPE}`);
  expect((await userinfo(tokens.access_token!)).status).toBe(200);
  const revoked = await postForm(server.endpoint('/token/revocation'), { token: tokens.refresh_token!, token_type_hint: 'refresh_token' }, { authorization: DEMO_AUTH });
  expect(revoked.status).toBe(200);
  expect((await userinfo(tokens.access_token!)).status).toBe(401);
});

test('the userinfo-only token of an OpenID-only sign-in still works at userinfo and is still refused by the API', async () => {
  const tokens = await signIn('openid profile email');
  // oidc-provider's own answer, in the same shape as ours above.
  expect((await userinfo(tokens.access_token!)).body).toEqual({ sub: 'user1', preferred_username: 'user1', name: 'User One', email: 'user1@example.edu', email_verified: false });
  expect((await callProtectedRoute(server, tokens.access_token!, 'GET')).status).toBe(401);
});
