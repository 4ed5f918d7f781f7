// The whole authorization code + PKCE flow over real HTTP against the running
// server: sign in, untick a scope, use the token on a protected route, refresh,
// revoke, and see the grant's tokens die.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DEMO_AUTH, authorize, exchangeCode, jwtClaims, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { callProtectedRoute } from './support/protected-route.js';
import { postForm } from './support/http.js';

const GROUP_CLAIM = 'https://api.columbia.edu/claim/group';
const API_SCOPE = 'read create update delete auth-columbia demo-djt-sla-bronze https://api.columbia.edu/scope/group';

let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer();
});
afterAll(() => server?.stop());

test('user1 signs in, unticks delete, and the token follows the consent through refresh and revocation', async () => {
  const grant = await authorize(server, { scope: `openid profile ${API_SCOPE}`, username: 'user1', untick: ['delete'] });
  // The consent page listed every requested scope.
  expect(grant.offered.sort()).toEqual(['openid', 'profile', ...API_SCOPE.split(' ')].sort());

  const tokens = await exchangeCode(server, grant);
  expect(tokens.status).toBe(200);
  expect(tokens.headers.get('cache-control')).toBe('no-store'); // RFC 6749 §5.1
  const { access_token: accessToken, refresh_token: refreshToken, id_token: idToken, token_type: tokenType, scope } = tokens.body as {
    access_token: string;
    refresh_token: string;
    id_token: string;
    token_type: string;
    scope: string;
  };
  expect(tokenType).toBe('Bearer');
  expect(idToken).toEqual(expect.any(String));
  expect(refreshToken).toEqual(expect.any(String));
  expect(scope.split(' ')).not.toContain('delete');
  expect(scope.split(' ')).toContain('read');

  // RFC 9068: a JWT for the API, with the user's groups from the group scope.
  const header = JSON.parse(Buffer.from(accessToken.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
  expect(header.typ).toBe('at+jwt');
  const claims = jwtClaims(accessToken);
  // For the API, and (the sign-in asked for openid) for userinfo: OpenID Connect Core §5.3.
  expect(claims).toMatchObject({ iss: server.issuer, aud: [server.url, `${server.issuer}/me`], sub: 'user1', client_id: 'demo_client' });
  expect(claims[GROUP_CLAIM]).toBe('team-a team-c');
  expect(String(claims.scope).split(' ')).not.toContain('delete');

  // The API's context builder accepts it for reading and refuses deleting for want of the scope.
  expect(await callProtectedRoute(server, accessToken, 'GET')).toEqual({ status: 200 });
  expect(await callProtectedRoute(server, accessToken, 'DELETE')).toEqual({ status: 403, error: 'insufficient_scope' });

  // Refresh: a new access token with the same (reduced) scopes.
  const refreshed = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: DEMO_AUTH });
  expect(refreshed.status).toBe(200);
  const newAccessToken = refreshed.body.access_token as string;
  const newRefreshToken = (refreshed.body.refresh_token as string | undefined) ?? refreshToken;
  expect(newAccessToken).not.toBe(accessToken);
  expect(String(jwtClaims(newAccessToken).scope).split(' ')).not.toContain('delete');
  expect(await callProtectedRoute(server, newAccessToken, 'GET')).toEqual({ status: 200 });

  const introspect = (token: string) => postForm(server.endpoint('/token/introspection'), { token }, { authorization: DEMO_AUTH });
  expect((await introspect(newRefreshToken)).body).toMatchObject({ active: true, client_id: 'demo_client', sub: 'user1' });
  expect((await introspect(newAccessToken)).body).toMatchObject({ active: true, client_id: 'demo_client', sub: 'user1', token_type: 'Bearer' });

  // RFC 7009: revoking the refresh token revokes its grant.
  const revoked = await postForm(server.endpoint('/token/revocation'), { token: newRefreshToken, token_type_hint: 'refresh_token' }, { authorization: DEMO_AUTH });
  expect(revoked.status).toBe(200);

  const again = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: newRefreshToken }, { authorization: DEMO_AUTH });
  expect(again.status).toBe(400);
  expect(again.body.error).toBe('invalid_grant');

  for (const token of [refreshToken, newRefreshToken, accessToken, newAccessToken]) {
    const answer = await introspect(token);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ active: false });
  }
});

test('the authorization code is single-use (RFC 6749 §4.1.2)', async () => {
  const grant = await authorize(server, { scope: 'read auth-columbia demo-djt-sla-bronze', username: 'user2' });
  expect((await exchangeCode(server, grant)).status).toBe(200);
  const replay = await exchangeCode(server, grant);
  expect(replay.status).toBe(400);
  expect(replay.body.error).toBe('invalid_grant');
});

test('user3 gets a token, but the demo claim policy refuses it (no groups)', async () => {
  const grant = await authorize(server, { scope: `openid ${API_SCOPE}`, username: 'user3' });
  const tokens = await exchangeCode(server, grant);
  expect(tokens.status).toBe(200);
  const token = tokens.body.access_token as string;
  expect(jwtClaims(token)[GROUP_CLAIM]).toBe('');
  const answer = await callProtectedRoute(server, token, 'GET');
  expect(answer.status).toBe(403);
  expect(answer.error).not.toBe('insufficient_scope');
});

test('user1 with the delete scope passes the policy (the course just does not exist: 404)', async () => {
  const grant = await authorize(server, { scope: API_SCOPE, username: 'user1' });
  const token = (await exchangeCode(server, grant)).body.access_token as string;
  expect(await callProtectedRoute(server, token, 'DELETE')).toEqual({ status: 404 });
});

test('user2 may read but not delete (team-a, not team-c)', async () => {
  const grant = await authorize(server, { scope: API_SCOPE, username: 'user2' });
  const token = (await exchangeCode(server, grant)).body.access_token as string;
  expect(jwtClaims(token)[GROUP_CLAIM]).toBe('team-a team-b');
  expect((await callProtectedRoute(server, token, 'GET')).status).toBe(200);
  expect((await callProtectedRoute(server, token, 'DELETE')).status).toBe(403);
});

test('an OpenID-only request gets a userinfo token; userinfo answers with the profile', async () => {
  const grant = await authorize(server, { scope: 'openid profile email', username: 'user1' });
  const tokens = await exchangeCode(server, grant);
  expect(tokens.status).toBe(200);
  const res = await fetch(server.endpoint('/me'), { headers: { authorization: `Bearer ${tokens.body.access_token as string}` } });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ sub: 'user1', preferred_username: 'user1', name: 'User One', email: 'user1@example.edu' });
});
