// CORS at the UserInfo endpoint (/oauth/me) follows the rest of /oauth: an
// answer for a token is readable only from the origins of its client's
// redirect URIs; an answer tied to no client (an error, a preflight) only from
// the origin of some registered client. Never from `null` (sandboxed frames,
// file: pages) or any other origin, which would let any page read a user's
// claims with a token it got hold of, or probe tokens.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { authorize, startOAuthServer, type OAuthTestServer } from './support/oauth-server.js';
import { postForm } from './support/http.js';

const POSTMAN_ORIGIN = 'http://localhost:5432'; // demo_client's redirect URI
const API_SCOPE = 'read auth-columbia demo-djt-sla-bronze https://api.columbia.edu/scope/group';

let server: OAuthTestServer;
/** The playground's own origin: its redirect URIs are this server's /graphql and /docs. */
let playgroundOrigin: string;
beforeAll(async () => {
  server = await startOAuthServer();
  playgroundOrigin = new URL(server.url).origin;
});
afterAll(() => server?.stop());

/** The access token of a playground sign-in (a public client: PKCE, no secret). */
async function playgroundToken(scope: string): Promise<string> {
  const redirectUri = `${server.url}/graphql`;
  const grant = await authorize(server, { clientId: 'playground', redirectUri, scope, username: 'user1' });
  const tokens = await postForm(server.endpoint('/token'), {
    grant_type: 'authorization_code',
    client_id: 'playground',
    code: grant.code,
    redirect_uri: redirectUri,
    code_verifier: grant.verifier,
  });
  expect(tokens.status).toBe(200);
  return tokens.body.access_token as string;
}

async function userinfo(token: string, origin?: string) {
  const res = await fetch(server.endpoint('/me'), { headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) } });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, allowOrigin: res.headers.get('access-control-allow-origin') };
}

test("the API's JWT of a sign-in: readable from its client's origin only; null and other origins are refused", async () => {
  const token = await playgroundToken(`openid profile ${API_SCOPE}`);

  const own = await userinfo(token, playgroundOrigin);
  expect(own).toMatchObject({ status: 200, allowOrigin: playgroundOrigin });
  expect(own.body.sub).toBe('user1');

  for (const origin of ['null', 'https://attacker.example', POSTMAN_ORIGIN]) {
    const other = await userinfo(token, origin);
    expect(other.allowOrigin).toBeNull();
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ error: 'invalid_request', error_description: `origin ${origin} not allowed for client: playground` });
  }

  // Without an Origin (not a browser's cross-origin call): answered as before.
  expect((await userinfo(token)).status).toBe(200);
});

test("oidc-provider's own (opaque) token of an OpenID-only sign-in: the same rule", async () => {
  const token = await playgroundToken('openid profile');
  expect(token.split('.')).toHaveLength(1); // opaque, not a JWT
  expect(await userinfo(token, playgroundOrigin)).toMatchObject({ status: 200, allowOrigin: playgroundOrigin });
  const fromNull = await userinfo(token, 'null');
  expect(fromNull.allowOrigin).toBeNull();
  expect(fromNull.status).toBe(400);
});

test('an error tied to no client is readable from a registered origin only', async () => {
  for (const origin of ['null', 'https://attacker.example']) {
    const answer = await userinfo('not-a-token', origin);
    expect(answer.status).toBe(401);
    expect(answer.allowOrigin).toBeNull();
  }
  // A browser app of a registered client can read why its token was refused (and refresh it).
  expect(await userinfo('not-a-token', playgroundOrigin)).toMatchObject({ status: 401, allowOrigin: playgroundOrigin });
});

test('a preflight is answered for registered origins only', async () => {
  const preflight = (origin: string) =>
    fetch(server.endpoint('/me'), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  for (const origin of ['null', 'https://attacker.example']) {
    const res = await preflight(origin);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  }
  const ok = await preflight(POSTMAN_ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get('access-control-allow-origin')).toBe(POSTMAN_ORIGIN);
});
