// Every query and mutation answers to the shared policy: no token →
// UNAUTHENTICATED, a token without the scope → FORBIDDEN naming the scope,
// the right scope → past the policy. Bad tokens are HTTP 401 with the
// RFC 6750 challenge, as on the REST door.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { resourceList } from '../../src/resources/registry.js';
import { codes } from './support/client.js';
import { committedSchema, rootOperations } from './support/operations.js';
import { startGraphQLRig, type GraphQLTestRig } from './support/setup.js';

const operations = rootOperations(committedSchema());
const otherScope: Record<string, string> = { read: 'create update delete', create: 'read update delete', update: 'read create delete', delete: 'read create update' };

describe('default policy', () => {
  let rig: GraphQLTestRig;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    rig = await startGraphQLRig();
    for (const op of ['read', 'create', 'update', 'delete']) {
      tokens[`only:${op}`] = await rig.issuer.token(op);
      tokens[`not:${op}`] = await rig.issuer.token(otherScope[op]!);
    }
  });
  afterAll(async () => rig?.stop());

  test('the matrix covers every resource of the registry', () => {
    // Per resource: one and list; create, update, delete; set per relationship, add and remove per to-many one.
    const queries = resourceList.length * 2;
    const mutations = resourceList.reduce((n, d) => n + 3 + d.relationships.reduce((m, r) => m + (r.toMany ? 3 : 1), 0), 0);
    expect(operations.filter((o) => o.kind === 'query')).toHaveLength(queries);
    expect(operations.filter((o) => o.kind === 'mutation')).toHaveLength(mutations);
    for (const d of resourceList) expect(operations.map((o) => o.field)).toEqual(expect.arrayContaining([`create${d.graphqlName}`, `update${d.graphqlName}`, `delete${d.graphqlName}`]));
  });

  test.each(operations.map((o) => [`${o.kind} ${o.field} needs ${o.needs}`, o] as const))('%s', async (_name, op) => {
    const anonymous = await rig.gql(op.document, op.variables);
    expect({ op: op.field, codes: codes(anonymous) }).toEqual({ op: op.field, codes: ['UNAUTHENTICATED'] });
    expect(anonymous.errors![0]!.message).toBe('This request needs a bearer access token.');

    const without = await rig.gql(op.document, op.variables, tokens[`not:${op.needs}`]);
    expect({ op: op.field, codes: codes(without) }).toEqual({ op: op.field, codes: ['FORBIDDEN'] });
    expect(without.errors![0]!.extensions!.scope).toBe(op.needs);
    expect(without.errors![0]!.message).toContain(`"${op.needs}"`);

    const allowed = await rig.gql(op.document, op.variables, tokens[`only:${op.needs}`]);
    expect({ op: op.field, codes: codes(allowed).filter((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN' || c === 'INTERNAL_SERVER_ERROR') }).toEqual({ op: op.field, codes: [] });
  });

  test('a bad token is HTTP 401 with the challenge; a malformed header 400', async () => {
    const bad = await rig.gql('{ courses { totalCount } }', {}, 'not.a.token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="course-catalogue", error="invalid_token"/);
    expect(codes(bad)).toEqual(['UNAUTHENTICATED']);

    const expired = await rig.gql('{ courses { totalCount } }', {}, await rig.issuer.token('read', { expiresIn: '-1h' }));
    expect(expired.status).toBe(401);
    expect(expired.errors![0]!.message).toBe('The access token has expired.');

    const res = await fetch(`${rig.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic abc' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');

    const inQuery = await fetch(`${rig.server.url}/graphql?access_token=abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(inQuery.status).toBe(400);
  });

  test('nested fields need nothing more than the root query', async () => {
    const r = await rig.gql('{ courses(first: 2) { nodes { courseTerms { nodes { course { id } } } } } }', {}, tokens['only:read']);
    expect(r.errors).toBeUndefined();
  });
});

describe('claim rules of the shared policy (demo policy file)', () => {
  let rig: GraphQLTestRig;
  beforeAll(async () => {
    rig = await startGraphQLRig({ OAUTH_POLICY_FILE: 'src/auth/policies/demo-policy.json' });
  });
  afterAll(async () => rig?.stop());

  const group = 'https://api.columbia.edu/claim/group';
  const scopes = 'read create update delete auth-columbia demo-djt-sla-bronze';

  test('a user outside the groups is FORBIDDEN; inside, allowed', async () => {
    const outsider = await rig.issuer.token(scopes, { sub: 'alice', [group]: 'team-x' });
    const r = await rig.gql('{ courses { totalCount } }', {}, outsider);
    expect(codes(r)).toEqual(['FORBIDDEN']);
    const reader = await rig.issuer.token(scopes, { sub: 'bob', [group]: 'team-a' });
    expect((await rig.gql('{ courses { totalCount } }', {}, reader)).errors).toBeUndefined();
    const write = await rig.gql('mutation { deleteCourse(id: "00000000-0000-4000-8000-000000000000") }', {}, reader);
    expect(codes(write)).toEqual(['FORBIDDEN']);
  });

  test('the extra scope sets are named when missing', async () => {
    const token = await rig.issuer.token('read', { sub: 'carol', [group]: 'team-a' });
    const r = await rig.gql('{ courses { totalCount } }', {}, token);
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0]!.extensions!.scope).toBe('read auth-columbia demo-djt-sla-bronze');
  });
});
