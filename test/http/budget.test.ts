// The API-wide budget per caller (src/http/budget.ts): requests per minute
// through both doors together, GraphQL cost per minute, 429 with Retry-After
// and the IETF RateLimit-Policy / RateLimit fields; shared through Redis by
// several instances.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { StandInIssuer } from '../support/issuer.mjs';
import { startTestServer, type TestServer } from '../support/server.js';

const JSONAPI = 'application/vnd.api+json';

async function rest(server: TestServer, token?: string) {
  return fetch(`${server.url}/v1/courses`, { headers: { Accept: JSONAPI, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
}

async function graphql(server: TestServer, query: string, token?: string) {
  return fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
}

describe('requests per minute', () => {
  let issuer: StandInIssuer;
  let server: TestServer;
  beforeAll(async () => {
    issuer = await StandInIssuer.start();
    server = await startTestServer({ ...issuer.env, API_REQUESTS_PER_MINUTE: '4' });
  });
  afterAll(async () => {
    await server?.stop();
    await issuer?.stop();
  });

  test('both doors spend one budget per caller; the fifth request is 429 with Retry-After and RateLimit fields', async () => {
    const token = await issuer.token('read', { sub: 'budget-alice' });
    const answers = [await rest(server, token), await graphql(server, '{ courses(first: 1) { totalCount } }', token), await rest(server, token), await rest(server, token)];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toBe('"requests";q=4;w=60');
    expect(answers.map((r) => /r=(\d+)/.exec(r.headers.get('ratelimit') ?? '')?.[1])).toEqual(['3', '2', '1', '0']);

    const refused = await rest(server, token);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"requests";r=0;t=\d+$/);
    const body = (await refused.json()) as { errors: { status: string; code: string; detail: string }[] };
    expect(body.errors[0]).toMatchObject({ status: '429', code: 'too_many_requests' });
    expect(body.errors[0]!.detail).toContain('at most 4 a minute');

    const viaGraphQL = await graphql(server, '{ courses(first: 1) { totalCount } }', token);
    expect(viaGraphQL.status).toBe(429);
    expect(viaGraphQL.headers.get('retry-after')).toBeTruthy();
    const gqlBody = (await viaGraphQL.json()) as { errors: { extensions: { code: string } }[] };
    expect(gqlBody.errors[0]!.extensions.code).toBe('TOO_MANY_REQUESTS');
  });

  test('another user has a budget of its own; a bad token spends nothing and is still 401', async () => {
    const other = await issuer.token('read', { sub: 'budget-bob' });
    expect((await rest(server, other)).status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await rest(server, 'not.a.jwt')).status).toBe(401);
  });

  test('anonymous callers are counted by address', async () => {
    // Reads need a token under the default policy: the 401s still spend the address's budget.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await rest(server)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('GraphQL cost per minute', () => {
  let issuer: StandInIssuer;
  let server: TestServer;
  beforeAll(async () => {
    issuer = await StandInIssuer.start();
    server = await startTestServer({ ...issuer.env, GRAPHQL_COST_PER_MINUTE: '120' });
  });
  afterAll(async () => {
    await server?.stop();
    await issuer?.stop();
  });

  test('operations spend their estimated cost; the one that would overspend is refused before it runs', async () => {
    const token = await issuer.token('read', { sub: 'cost-carol' });
    // 1 (the list) + 50 records: 51 each.
    const query = '{ courses(first: 50) { nodes { id } } }';
    const first = await graphql(server, query, token);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"cost";q=120;w=60');
    expect(first.headers.get('ratelimit')).toMatch(/^"cost";r=69;t=\d+$/);
    expect((await graphql(server, query, token)).status).toBe(200);
    const refused = await graphql(server, query, token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const body = (await refused.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]!.extensions.code).toBe('TOO_MANY_REQUESTS');
    expect(body.errors[0]!.message).toContain('at most 120');
    // A cheap operation still fits what is left.
    expect((await graphql(server, '{ courses(first: 5) { nodes { id } } }', token)).status).toBe(200);
    // JSON:API requests do not spend GraphQL cost.
    expect((await rest(server, token)).status).toBe(200);
  });
});

describe('several instances share the budget through Redis', () => {
  let issuer: StandInIssuer;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    issuer = await StandInIssuer.start();
    const env = { ...issuer.env, API_REQUESTS_PER_MINUTE: '3', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: `test-budget-${randomUUID()}:` };
    servers.push(await startTestServer(env), await startTestServer(env));
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await issuer?.stop();
  });

  test('three requests spread over two instances use up one budget', async () => {
    const token = await issuer.token('read', { sub: 'budget-dave' });
    const statuses = [];
    for (const s of [servers[0]!, servers[1]!, servers[0]!, servers[1]!]) statuses.push((await rest(s, token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
