// Nothing secret reaches a log: a whole session against the real server at
// LOG_LEVEL=trace, every grant of the built-in authorization server, both
// doors with good and bad tokens, tokens and codes in query strings, proxies'
// forwarded credentials under headers nobody listed, query names that only
// look different, errors; then the whole log is searched for every secret the
// session saw.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { DEFAULT_CLIENT_SECRET } from '../../src/oauth/index.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Browser, basicAuth, consentCheckboxes, formAction, pkcePair, postForm } from '../oauth/support/http.js';
import { POSTMAN_CALLBACK, removeDataDir, tempDataDir } from '../oauth/support/oauth-server.js';

const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

let server: TestServer;
let dataDir: string;
/** Every secret value the session handled; none may appear in the log. */
const secrets = new Map<string, string>();

function secret(label: string, value: string | undefined): string {
  if (!value) throw new Error(`no ${label}`);
  secrets.set(value, label);
  return value;
}

const random = (label: string) => secret(label, randomBytes(18).toString('base64url'));
const oauth = (path: string) => `${server.url}/oauth${path}`;
const DEMO_AUTH = basicAuth('demo_client', DEFAULT_CLIENT_SECRET);

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startTestServer({ LOG_LEVEL: 'trace', DEV_AUTH_SERVER: '1', DATA_DIR: dataDir }, { logTo: sink });
  secret('client secret', DEFAULT_CLIENT_SECRET);
  secret('basic credentials', DEMO_AUTH.slice('Basic '.length));
});
afterAll(async () => {
  await server?.stop();
  if (dataDir) removeDataDir(dataDir);
});

/**
 * The cookies a browser holds (the authorization server's session and
 * interaction cookies), except `_interaction` and `_interaction_resume`: their
 * value is the interaction's id, which is in the sign-in page's URL by design
 * (/oauth/interaction/<id>); their `.sig` companions, the keyed signatures
 * that make them unforgeable, are kept.
 */
function cookieValues(browser: Browser): string[] {
  return [...browser.jar['cookies'].entries()].filter(([key]) => !/^_interaction(_resume)?(\.legacy)?;/.test(key)).map(([, c]) => c.value);
}

/** Sign-in and consent as a browser; returns the callback URL with the code. */
async function signIn(clientId: string, redirectUri: string, scope: string, state: string, challenge: string): Promise<{ callback: URL; browser: Browser }> {
  const browser = new Browser();
  const start = `${oauth('/auth')}?${new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope, state, code_challenge: challenge, code_challenge_method: 'S256', nonce: randomBytes(8).toString('hex') })}`;
  let { res, url } = await browser.follow(await browser.get(start), start);
  let html = await res.text();
  const login = new URL(formAction(html), url).toString();
  // A wrong password first: the page comes back, the password must not be logged.
  const wrong = await browser.post(login, { username: 'user1', password: random('wrong password') });
  await wrong.arrayBuffer();
  ({ res, url } = await browser.follow(await browser.post(login, { username: 'user1', password: secret('password', 'user1pass') }), login));
  html = await res.text();
  expect(html).toContain('Allow access?');
  const confirm = new URL(formAction(html), url).toString();
  const scopes = consentCheckboxes(html).filter((b) => !b.disabled).map((b) => b.value);
  const done = await browser.follow(await browser.post(confirm, { scope: scopes, decision: 'allow' }), confirm);
  for (const value of cookieValues(browser)) secret('cookie', value);
  return { callback: new URL(done.url), browser };
}

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

test('a whole session at LOG_LEVEL=trace leaves no token, code, secret, password or cookie in the log', async () => {
  // --- client credentials, secret as Basic and in the body (client_secret_post)
  const cc = await postForm(oauth('/token'), { grant_type: 'client_credentials', scope: 'read' }, { authorization: DEMO_AUTH });
  expect(cc.status).toBe(200);
  const ccToken = secret('client credentials token', cc.body.access_token as string);
  const ccPost = await postForm(oauth('/token'), { grant_type: 'client_credentials', scope: 'read', client_id: 'demo_client', client_secret: DEFAULT_CLIENT_SECRET });
  expect(ccPost.status).toBe(200);
  secret('client_secret_post token', ccPost.body.access_token as string);
  const wrongSecret = await postForm(oauth('/token'), { grant_type: 'client_credentials', scope: 'read' }, { authorization: basicAuth('demo_client', random('wrong client secret')) });
  expect(wrongSecret.status).toBe(401);

  // --- authorization code + PKCE (demo_client, Postman's callback)
  const demo = pkcePair();
  secret('code verifier', demo.verifier);
  const demoState = random('state');
  const { callback } = await signIn('demo_client', POSTMAN_CALLBACK, 'openid read', demoState, demo.challenge);
  const code = secret('authorization code', callback.searchParams.get('code') ?? undefined);
  const exchanged = await postForm(oauth('/token'), { grant_type: 'authorization_code', code, redirect_uri: POSTMAN_CALLBACK, code_verifier: demo.verifier }, { authorization: DEMO_AUTH });
  expect(exchanged.status).toBe(200);
  const userToken = secret('access token', exchanged.body.access_token as string);
  const refreshToken = secret('refresh token', exchanged.body.refresh_token as string);
  const idToken = secret('id token', exchanged.body.id_token as string);

  // --- refresh, introspection, revocation
  const refreshed = await postForm(oauth('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: DEMO_AUTH });
  expect(refreshed.status).toBe(200);
  const refreshedToken = secret('refreshed access token', refreshed.body.access_token as string);
  const newRefresh = secret('new refresh token', (refreshed.body.refresh_token as string | undefined) ?? refreshToken);
  const introspected = await postForm(oauth('/token/introspection'), { token: refreshedToken }, { authorization: DEMO_AUTH });
  expect(introspected.body.active).toBe(true);
  expect((await postForm(oauth('/token/introspection'), { token: newRefresh, token_type_hint: 'refresh_token' }, { authorization: DEMO_AUTH })).body.active).toBe(true);
  expect((await postForm(oauth('/token/revocation'), { token: newRefresh, token_type_hint: 'refresh_token' }, { authorization: DEMO_AUTH })).status).toBe(200);
  expect((await postForm(oauth('/token'), { grant_type: 'refresh_token', refresh_token: newRefresh }, { authorization: DEMO_AUTH })).status).toBe(400);

  // --- the playground's flow: the code arrives at /graphql?code=…; a public client exchanges it
  const pg = pkcePair();
  secret('playground verifier', pg.verifier);
  const pgState = random('playground state');
  const pgCallback = await signIn('playground', `${server.url}/graphql`, 'openid read', pgState, pg.challenge);
  const pgCode = secret('playground code', pgCallback.callback.searchParams.get('code') ?? undefined);
  // (The browser has loaded the playground at that address: it is on this server's origin.)
  const pgTokens = await postForm(oauth('/token'), { grant_type: 'authorization_code', code: pgCode, redirect_uri: `${server.url}/graphql`, code_verifier: pg.verifier, client_id: 'playground' });
  expect(pgTokens.status).toBe(200);
  const pgToken = secret('playground token', pgTokens.body.access_token as string);
  secret('playground refresh token', pgTokens.body.refresh_token as string);

  // --- sign-out with id_token_hint in the query
  expect(await status(`${oauth('/session/end')}?${new URLSearchParams({ id_token_hint: idToken, client_id: 'demo_client' })}`)).toBeLessThan(500);

  // --- the JSON:API door: good and bad tokens, tokens where they are refused
  const bad = random('bad token');
  const badJwt = secret('bad jwt', `${userToken.split('.').slice(0, 2).join('.')}.${randomBytes(32).toString('base64url')}`);
  const proxy = random('proxy credentials');
  const api = (token: string | undefined, query = '') =>
    status(`${server.url}/v1/courses${query}`, { headers: { accept: 'application/vnd.api+json', ...(token ? { authorization: `Bearer ${token}` } : {}), 'proxy-authorization': `Basic ${proxy}` } });
  expect(await api(ccToken)).toBe(200);
  expect(await api(userToken)).toBe(200);
  expect(await api(bad)).toBe(401);
  expect(await api(badJwt)).toBe(401);
  expect(await api(undefined, `?access_token=${userToken}`)).toBe(400);
  expect(await api(undefined, `?ACCESS_TOKEN=${random('upper-case query token')}`)).toBeLessThan(500);
  expect(await api(userToken, `?acc%65ss_token=${random('encoded-name query token')}&filter[search]=x`)).toBeLessThan(500);
  expect(await api(ccToken, `?token=${random('token parameter')}&password=${random('password parameter')}&client_secret=${random('secret parameter')}&refresh_token=${random('refresh parameter')}`)).toBeLessThan(500);
  const apiBody = await fetch(`${server.url}/v1/people/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bad}`, 'content-type': 'application/vnd.api+json' },
    body: JSON.stringify({ data: { type: 'people', attributes: { name: random('body value') } } }),
  });
  expect(apiBody.status).toBe(401);
  await apiBody.arrayBuffer();

  // --- the GraphQL door
  const gql = (token: string | undefined, query = '', body = '{"query":"{ courses { totalCount } }"}') =>
    status(`${server.url}/graphql${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), 'proxy-authorization': `Bearer ${proxy}` },
      body,
    });
  expect(await gql(pgToken)).toBe(200);
  expect(await gql(refreshedToken)).toBe(200);
  expect(await gql(bad)).toBe(401);
  expect(await gql(badJwt)).toBe(401);
  expect(await gql(undefined, `?access_token=${ccToken}`)).toBe(400);
  expect(await gql(undefined, `?code=${random('stray code')}&state=${random('stray state')}`)).toBe(200);
  expect(await gql(ccToken, '', `{"query":"{ __typename }","password":"${random('malformed body secret')}"`)).toBe(400); // malformed JSON
  expect(await gql(undefined, '', JSON.stringify({ query: '{ __typename }', access_token: random('body token') }))).toBe(400);

  // --- credentials under names nobody listed: proxies' forwarded tokens (Google ESP, oauth2-proxy, AWS ALB),
  // near-miss header names, and query names a parser may read as a secret's (NUL, space, `;` separators)
  const fakeJwt = (label: string) => secret(label, `eyJ${randomBytes(12).toString('base64url')}.eyJ${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`);
  const forwarded = {
    'x-forwarded-authorization': `Bearer ${fakeJwt('X-Forwarded-Authorization')}`,
    'x-forwarded-access-token': random('X-Forwarded-Access-Token'),
    'x-amzn-oidc-accesstoken': random('x-amzn-oidc-accesstoken'),
    'x-amzn-oidc-data': fakeJwt('x-amzn-oidc-data'),
    'x-amzn-oidc-identity': random('x-amzn-oidc-identity'),
    authorization2: `Bearer ${random('Authorization2')}`,
    cookie2: `session=${random('Cookie2')}`,
    'x-forwarded-for': '203.0.113.7',
    'user-agent': 'log-redaction-test/1.0',
    authorization: `Bearer ${ccToken}`,
  };
  const proxied = (path: string, init: RequestInit = {}) => status(`${server.url}${path}`, { ...init, headers: { accept: 'application/vnd.api+json', ...forwarded, ...(init.headers as Record<string, string>) } });
  expect(await proxied('/v1/courses?page[size]=2&sort=course_name')).toBe(200);
  expect(await proxied(`/v1/courses?access_token%00=${random('NUL-suffixed query token')}`)).toBeLessThan(500);
  expect(await proxied(`/v1/courses?access_token%20=${random('space-suffixed query token')}`)).toBeLessThan(500);
  expect(await proxied(`/v1/courses?x=1;access_token=${random('semicolon query token')}`)).toBeLessThan(500);
  expect(await proxied(`/v1/courses?sort=course_name;access_token=${random('semicolon after an allowed value')}`)).toBeLessThan(500);
  expect(await proxied(`/v1/courses?${random('bare query token')}`)).toBeLessThan(500);
  expect(await proxied(`/v1/courses?filter[search]=${fakeJwt('JWT in an allowed parameter')}`)).toBeLessThan(500);
  expect(await proxied('/graphql', { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: '{"query":"{ courses { totalCount } }"}' })).toBe(200);

  // --- the demo code again: invalid_grant (and, RFC 6749 §4.1.2, its grant is revoked: hence last)
  const replay = await postForm(oauth('/token'), { grant_type: 'authorization_code', code, redirect_uri: POSTMAN_CALLBACK, code_verifier: demo.verifier }, { authorization: DEMO_AUTH });
  expect(replay.status).toBe(400);

  // --- the log: it holds the session (so the search below means something) and none of its secrets
  await new Promise((resolve) => setImmediate(resolve));
  const log = logLines.join('');
  const requests = logLines.filter((l) => l.includes('"msg":"request completed"') || l.includes('"msg":"request errored"'));
  expect(requests.length).toBeGreaterThan(30);
  expect([...secrets.values()].filter((label) => label === 'cookie').length).toBeGreaterThanOrEqual(2);
  const leaks: string[] = [];
  for (const [value, label] of secrets) {
    // Also the tail of a long secret: a truncated value is still a leak (a JWT's tail is its signature).
    for (const needle of value.length >= 32 ? [value, value.slice(-16)] : [value]) {
      if (log.includes(needle) || log.includes(encodeURIComponent(needle))) leaks.push(`${label}: ${needle.slice(0, 12)}…`);
    }
  }
  expect(leaks).toEqual([]);
  // What the lines show instead.
  expect(log).toMatch(/"url":"\/graphql\?code=\[redacted\]&state=\[redacted\]&iss=/);
  expect(log).toMatch(/"url":"\/v1\/courses\?access_token=\[redacted\]"/);
  expect(log).toMatch(/"location":"http:\/\/localhost:5432\/oauth2client\?code=\[redacted\]&state=\[redacted\]/);
  expect(log).toContain('"authorization":"[redacted]"');
  expect(log).toContain('"proxy-authorization":"[redacted]"');
  // Headers off the allow list are left out and counted (the seven forwarded credentials above, and any
  // the fetch client adds that the list lacks); query values off it are blanked, their names kept; what
  // operators need stays.
  const listed = logLines.map((l) => JSON.parse(l) as { req?: { url?: string; headers: Record<string, string>; headersOmitted?: number } }).find((l) => l.req?.url === '/v1/courses?page[size]=2&sort=course_name');
  expect(listed?.req?.headersOmitted).toBeGreaterThanOrEqual(7);
  expect(listed?.req?.headers).toMatchObject({ authorization: '[redacted]', 'x-forwarded-for': '203.0.113.7', 'user-agent': 'log-redaction-test/1.0', accept: 'application/vnd.api+json' });
  expect(log).not.toMatch(/x-amzn-oidc|x-forwarded-access-token|x-forwarded-authorization|"authorization2"|"cookie2"/i);
  expect(log).toContain('"url":"/v1/courses?x=[redacted];access_token=[redacted]"');
  expect(log).toContain('"url":"/v1/courses?sort=course_name;access_token=[redacted]"');
  expect(log).toContain('"url":"/v1/courses?access_token%00=[redacted]"');
  expect(log).toContain('"url":"/v1/courses?filter[search]=[redacted]"');
});
