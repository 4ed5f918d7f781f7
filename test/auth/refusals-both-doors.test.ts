// Through the real server: the refusals added here are RFC 6750 401s with an
// invalid_token challenge at both doors (JSON:API and GraphQL), and with
// several trusted issuers last_mod_user_name says which issuer the name came from.
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams } from './support/protected-app.js';

const AUDIENCE = 'urn:catalogue';
let campus: StandInIssuer;
let partner: StandInIssuer;
let server: TestServer;

beforeAll(async () => {
  campus = await StandInIssuer.start();
  partner = await StandInIssuer.start();
  const dir = mkdtempSync(join(tmpdir(), 'auth-doors-'));
  const issuers = join(dir, 'issuers.json');
  writeFileSync(issuers, JSON.stringify([{ issuer: partner.issuer, audience: AUDIENCE, label: 'partner' }]));
  server = await startTestServer({
    OAUTH_ISSUER: campus.issuer,
    OAUTH_AUDIENCE: AUDIENCE,
    OAUTH_JWKS_URI: campus.jwksUri,
    OAUTH_INTROSPECTION_URL: campus.introspectionUrl,
    OAUTH_CLIENT_ID: campus.clientId,
    OAUTH_CLIENT_SECRET: campus.clientSecret,
    OAUTH_ISSUER_LABEL: 'campus',
    OAUTH_ISSUERS_FILE: issuers,
    OAUTH_INTROSPECTION_REQUIRE_AUDIENCE: '1',
    DEV_AUTH_SERVER: '0',
  });
});
afterAll(async () => {
  await server?.stop();
  await campus.stop();
  await partner.stop();
});

function jsonApi(token: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return fetch(`${server.url}/v1/courses`, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/vnd.api+json', 'content-type': 'application/vnd.api+json', authorization: `Bearer ${token}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
function graphql(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
}

describe('refusals are 401 invalid_token with the challenge at both doors', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['a JWT issued in the future', () => campus.sign({ iat: now() + 3_600, exp: now() + 4_000 }, { audience: AUDIENCE }), /\(iat\)/],
    ['a JWT for another resource', () => campus.sign({}, { audience: `${campus.issuer}/me` }), /not for this API \(audience\)/],
    ['a JWT that is not an access token', () => campus.sign({}, { audience: AUDIENCE, typ: 'logout+jwt' }), /not an access token for this API/],
    ['an unknown opaque token', () => 'never-issued-opaque-token', /not active/],
    ['an opaque token whose introspection names no audience', () => campus.issueOpaque({ aud: undefined }), /no audience/],
    ['an opaque token for another audience', () => campus.issueOpaque({ aud: 'urn:other' }), /not for this API/],
  ];

  test.each(cases)('%s', async (_name, make, description) => {
    const token = await make();
    const rest = await jsonApi(token);
    expect(rest.status).toBe(401);
    const restChallenge = challengeParams(rest.headers.get('www-authenticate'));
    expect(restChallenge).toMatchObject({ realm: 'course-catalogue', error: 'invalid_token' });
    expect(restChallenge.error_description).toMatch(description);
    expect((await rest.json()).errors[0]).toMatchObject({ status: '401', detail: restChallenge.error_description });

    const gql = await graphql(token, '{ courses { totalCount } }');
    expect(gql.status).toBe(401);
    const gqlChallenge = challengeParams(gql.headers.get('www-authenticate'));
    expect(gqlChallenge).toEqual(restChallenge);
    const body = (await gql.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ message: restChallenge.error_description, extensions: { code: 'UNAUTHENTICATED' } });
  });
});

describe('with several trusted issuers, last_mod_user_name names the issuer', () => {
  let seq = 0;
  const attributes = () => {
    seq++;
    return {
      school_bulletin_prefix_code: 'XCEF',
      suffix_two: '00',
      subject_area_code: 'ANTB',
      course_number: String(7000 + seq),
      course_identifier: `ANAB${7000 + seq}V`,
      course_name: `Audit ${seq}`,
      course_description: 'A course.',
    };
  };

  test('JSON:API: the partner issuer’s user', async () => {
    const token = await partner.sign({ sub: 'alice', scope: 'read create' }, { audience: AUDIENCE });
    const res = await jsonApi(token, { method: 'POST', body: { data: { type: 'courses', attributes: attributes() } } });
    expect(res.status).toBe(201);
    expect((await res.json()).data.attributes.last_mod_user_name).toBe('alice@partner');
  });

  test('GraphQL: the campus issuer’s user, with a name longer than the column allows', async () => {
    const token = await campus.sign({ sub: `alice-${'z'.repeat(90)}`, scope: 'read create' }, { audience: AUDIENCE });
    const a = attributes();
    const res = await graphql(token, 'mutation($input: CourseCreateInput!) { createCourse(input: $input) { lastModUserName } }', {
      input: {
        courseIdentifier: a.course_identifier,
        courseName: a.course_name,
        courseNumber: a.course_number,
        subjectAreaCode: a.subject_area_code,
        schoolBulletinPrefixCode: a.school_bulletin_prefix_code,
        suffixTwo: a.suffix_two,
        courseDescription: a.course_description,
      },
    });
    const body = (await res.json()) as { data?: { createCourse: { lastModUserName: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.createCourse.lastModUserName).toBe(`alice-${'z'.repeat(80 - '@campus'.length - 'alice-'.length)}@campus`);
  });
});
