// Where a token may come from (RFC 6750 §2): the Authorization header only.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { request } from 'node:http';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';

let as: StandInIssuer;
let api: ProtectedApp;
let token: string;

beforeAll(async () => {
  as = await StandInIssuer.start();
  api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: as.jwksUri, OAUTH_REALM: 'courses' });
  token = await as.sign({ scope: 'read create' }, { audience: 'urn:api' });
});
afterAll(async () => {
  await api.stop();
  await as.stop();
});

async function expectInvalidRequest(res: Response, detail: RegExp): Promise<void> {
  const body = await res.json();
  expect(res.status).toBe(400);
  expect(body.errors[0]).toMatchObject({ status: '400', code: 'invalid_request' });
  expect(body.errors[0].detail).toMatch(detail);
  expect(challengeParams(res.headers.get('www-authenticate'))).toMatchObject({ realm: 'courses', error: 'invalid_request' });
}

test('the header form works, whatever the case of "Bearer"', async () => {
  expect((await api.call('read', undefined, { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
  expect((await api.call('read', undefined, { headers: { authorization: `BEARER  ${token}` } })).status).toBe(200);
});

test('a token in the query string is invalid_request, even a valid one', async () => {
  await expectInvalidRequest(await api.call('read', undefined, { query: `access_token=${token}` }), /not as an access_token query parameter/);
});

test('a token in a form or JSON body is invalid_request', async () => {
  await expectInvalidRequest(await api.call('create', undefined, { body: `access_token=${token}`, contentType: 'application/x-www-form-urlencoded' }), /body parameter/);
  await expectInvalidRequest(await api.call('create', undefined, { body: JSON.stringify({ access_token: token }) }), /body parameter/);
});

test('two credentials at once are invalid_request: header plus parameter, or two headers', async () => {
  await expectInvalidRequest(await api.call('read', token, { query: `access_token=${token}` }), /once/);
  const status = await new Promise<number>((resolve, reject) => {
    const url = new URL(`${api.url}/things`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: [['Authorization', `Bearer ${token}`], ['Authorization', `Bearer ${token}`]] as unknown as Record<string, string> }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(400);
});

test('malformed headers are invalid_request', async () => {
  for (const authorization of ['Bearer', 'Bearer ', `Bearer ${token} extra`, 'Bearer a"b', 'Bearer tök', `Bearer\t${token}`, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Token abc']) {
    const res = await api.call('read', undefined, { headers: { authorization } });
    expect({ authorization, status: res.status }).toEqual({ authorization, status: 400 });
    expect(challengeParams(res.headers.get('www-authenticate')).error).toBe('invalid_request');
  }
});

test('no token at all is an anonymous caller: 401 with a bare challenge where a scope is needed', async () => {
  const res = await api.call('read');
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer realm="courses"');
});

test('an anonymous context is built (no error) and refuses only at authorize', async () => {
  const ctx = await api.builder.build({ headers: {} });
  expect(ctx.principal).toBeNull();
  expect(ctx.actorName).toBeNull();
  expect(() => ctx.authorize('read')).toThrow(expect.objectContaining({ status: 401, code: 'unauthenticated' }));
});
