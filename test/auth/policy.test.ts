// The policy table through a real protected route: the default scope matrix,
// and the demo policy's extra scope sets and group-claim rules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { StandInIssuer } from '../support/issuer.mjs';
import { challengeParams, startProtectedApp, type ProtectedApp } from './support/protected-app.js';
import type { Operation } from '../../src/auth/types.js';

const OPS: Operation[] = ['read', 'create', 'update', 'delete'];
let as: StandInIssuer;
beforeAll(async () => {
  as = await StandInIssuer.start();
});
afterAll(() => as.stop());

describe('default policy: the scope matrix', () => {
  let api: ProtectedApp;
  beforeAll(async () => {
    api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: as.jwksUri });
  });
  afterAll(() => api.stop());

  const allowed: Record<string, Operation[]> = {
    '': [],
    read: ['read'],
    create: ['create'],
    update: ['update'],
    delete: ['delete'],
    write: ['create', 'update', 'delete'],
    'read write': ['read', 'create', 'update', 'delete'],
    'read create update delete': ['read', 'create', 'update', 'delete'],
    'openid profile': [],
    'READ Write': [], // scope names are case-sensitive (RFC 6749 §3.3)
    'read:all writer': [],
  };

  test.each(Object.entries(allowed))('scope "%s" may %j', async (scope, ops) => {
    const token = await as.sign({ scope }, { audience: 'urn:api' });
    for (const op of OPS) {
      const res = await api.call(op, token);
      const expected = ops.includes(op) ? 200 : 403;
      expect({ op, status: res.status }).toEqual({ op, status: expected });
      if (expected === 403) {
        const challenge = challengeParams(res.headers.get('www-authenticate'));
        expect(challenge).toMatchObject({ realm: 'course-catalogue', error: 'insufficient_scope' });
        expect(challenge.scope).toBe(op); // the first set that would have been enough
        expect((await res.json()).errors[0].code).toBe('insufficient_scope');
      }
    }
  });
});

describe('the demo policy (src/auth/policies/demo-policy.json)', () => {
  let api: ProtectedApp;
  const GROUP = 'https://api.columbia.edu/claim/group';
  const USER = 'auth-columbia demo-djt-sla-bronze';
  const CLIENT = 'auth-none demo-djt-sla-bronze';
  beforeAll(async () => {
    api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: as.jwksUri, OAUTH_POLICY_FILE: 'src/auth/policies/demo-policy.json' });
  });
  afterAll(() => api.stop());
  const user = (scope: string, groups?: unknown) => as.sign({ sub: 'user1', client_id: 'demo_djt_web_client', scope, ...(groups === undefined ? {} : { [GROUP]: groups }) }, { audience: 'urn:api' });
  const client = (scope: string) => as.sign({ sub: 'demo_djt_backend', client_id: 'demo_djt_backend', scope }, { audience: 'urn:api' });

  test('user1 (team-a team-c) may read and write; the actor is the user', async () => {
    const token = await user(`${USER} read create update delete`, 'team-a team-c');
    for (const op of OPS) expect((await api.call(op, token)).status).toBe(200);
    expect((await (await api.call('create', token)).json()).actorName).toBe('user1');
  });

  test('user2 (team-a team-b) may read but not write: 403 naming the group, no scope challenge', async () => {
    const token = await user(`${USER} read create update delete`, 'team-a team-b');
    expect((await api.call('read', token)).status).toBe(200);
    for (const op of ['create', 'update', 'delete'] as const) {
      const res = await api.call(op, token);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBeNull();
      const error = (await res.json()).errors[0];
      expect(error.code).toBe('forbidden');
      expect(error.detail).toContain('"team-c"');
    }
  });

  test('user3 (no groups) may do nothing; team-c alone writes but does not read', async () => {
    const none = await user(`${USER} read create`);
    expect((await api.call('read', none)).status).toBe(403);
    expect((await api.call('create', none)).status).toBe(403);
    const writer = await user(`${USER} read create`, ['team-c']); // an array claim works too
    expect((await api.call('read', writer)).status).toBe(403);
    expect((await api.call('create', writer)).status).toBe(200);
    const lookalike = await user(`${USER} read`, 'team-ab xteam-a');
    expect((await api.call('read', lookalike)).status).toBe(403);
  });

  test('a user token without auth-columbia + demo-djt-sla-bronze is 403 insufficient_scope naming the full set', async () => {
    const res = await api.call('read', await user('read auth-columbia', 'team-a'));
    expect(res.status).toBe(403);
    expect(challengeParams(res.headers.get('www-authenticate'))).toMatchObject({ error: 'insufficient_scope', scope: 'read auth-columbia demo-djt-sla-bronze' });
  });

  test('a client-credentials token needs auth-none + demo-djt-sla-bronze, and no group claim; its actor is the client', async () => {
    const token = await client(`${CLIENT} read create`);
    expect((await api.call('read', token)).status).toBe(200);
    const created = await api.call('create', token);
    expect(created.status).toBe(200);
    expect((await created.json()).actorName).toBe('demo_djt_backend');
    expect((await api.call('update', token)).status).toBe(403);
    const userScopes = await api.call('read', await client(`${USER} read`));
    expect(challengeParams(userScopes.headers.get('www-authenticate')).scope).toBe('read auth-none demo-djt-sla-bronze');
  });

  test('no token is still 401 under the demo policy', async () => {
    expect((await api.call('read')).status).toBe(401);
  });
});

describe('an operation the policy opens to everyone', () => {
  test('an empty scope set lets anonymous callers read, but not write', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'open-read.json');
    writeFileSync(file, JSON.stringify({ operations: { read: [[]] } }));
    const api = await startProtectedApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: 'urn:api', OAUTH_JWKS_URI: as.jwksUri, OAUTH_POLICY_FILE: file });
    try {
      expect((await api.call('read')).status).toBe(200);
      expect((await api.call('create')).status).toBe(401);
    } finally {
      await api.stop();
    }
  });
});
