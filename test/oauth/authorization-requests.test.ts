// Anyone may start an authorization request, and the server keeps each one
// (with its parameters) until it is finished or expires. What such requests may
// cost is bounded: their size (400), their rate per address (429 with
// Retry-After), how many stay live per address and overall (the least recently
// used goes), and how long (10 minutes). They are rows of the database
// (oauth_payload), one statement each, so the work per request does not grow
// with the number of requests before it and the event loop stays free; a
// restart (or another instance) continues a sign-in begun before it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/database.js';
import { expectNoSlowerThan, startProbe } from '../support/responsiveness.js';
import { CookieJar, pkcePair, postForm } from './support/http.js';
import { DEMO_AUTH, authorize, exchangeCode, removeDataDir, startOAuthServer, tempDataDir, type OAuthTestServer } from './support/oauth-server.js';

const CHALLENGE = pkcePair().challenge;

/** An authorization request of the playground client (public, as a browser app). */
function authorizationParams(server: OAuthTestServer, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: 'playground',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `${server.url}/graphql`,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  });
}

const authUrl = (server: OAuthTestServer, extra: Record<string, string> = {}) => `${server.endpoint('/auth')}?${authorizationParams(server, extra)}`;

/** The built-in server's stored rows per model (oauth_payload). */
async function storedRows(server: OAuthTestServer): Promise<Record<string, number>> {
  const groups = await server.db.prisma.oauthPayload.groupBy({ by: ['model'], _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.model, g._count._all]));
}

/** Polls /healthz (20 ms apart) until stopped: test/support/responsiveness.ts. */
const healthProbe = (server: OAuthTestServer) => startProbe(`${server.url}/healthz`, 20);

/**
 * /healthz meanwhile 200 harmless requests to the same server from 8
 * connections (by default its discovery document): what the floods below are
 * compared with, on the machine's load of the moment
 * (test/support/responsiveness.ts).
 */
async function harmlessProbe(server: OAuthTestServer, send?: (i: number) => Promise<void>): Promise<number[]> {
  const probe = healthProbe(server);
  await batch(
    200,
    8,
    send ??
      (async () => {
        const res = await fetch(server.endpoint('/.well-known/openid-configuration'));
        await res.arrayBuffer();
        expect(res.status).toBe(200);
      }),
  );
  return probe.stop();
}

/** Runs `count` calls of `send` over `connections` concurrent workers; the CPU time of this process per call (server and client). */
async function batch(count: number, connections: number, send: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) await send(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / count;
}

// /healthz while the requests run, against /healthz while harmless requests
// run: a guard against stalls of the finding's order (1.3 s after 1,500
// requests), not a latency target. The growth itself is caught by the
// store-file and CPU-per-request checks.

describe("the finding's request: a 12 kB state, 1,500 times from 8 connections", () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    // No per-address throttle here, so that the size limit alone is what answers.
    server = await startOAuthServer({ DEV_AUTH_REQUESTS_PER_MINUTE: '0' });
  });
  afterAll(() => server?.stop());

  test('each is refused with 400 invalid_request naming the limit; nothing is kept; /healthz stays fast', async () => {
    const url = authUrl(server, { state: 'x'.repeat(12_000) });
    const one = await fetch(url, { redirect: 'manual' });
    expect(one.status).toBe(400);
    expect(one.headers.get('content-type')).toMatch(/text\/html/);
    const page = await one.text();
    expect(page).toContain('invalid_request');
    expect(page).toMatch(/the authorization request is \d+ bytes \(query string and body\); this server accepts at most 4096/);

    const harmless = await harmlessProbe(server);
    const probe = healthProbe(server);
    const statuses = new Set<number>();
    try {
      for (let round = 0; round < 15; round++) {
        await batch(100, 8, async () => {
          const res = await fetch(url, { redirect: 'manual' });
          await res.arrayBuffer();
          statuses.add(res.status);
        });
        // Checked after every 100, so that a growing store fails early rather than slowly.
        expect(await storedRows(server)).toEqual({});
      }
    } finally {
      expectNoSlowerThan(await probe.stop(), harmless);
    }
    expect([...statuses]).toEqual([400]);
  });
});

describe('accepted anonymous requests at the size limit, from many addresses', () => {
  let server: OAuthTestServer;
  const PER_ADDRESS = 20;
  const OVERALL = 200;
  const ADDRESSES = 50;
  beforeAll(async () => {
    server = await startOAuthServer({
      DEV_AUTH_REQUESTS_PER_MINUTE: '0',
      DEV_AUTH_MAX_INTERACTIONS_PER_ADDRESS: String(PER_ADDRESS),
      DEV_AUTH_MAX_INTERACTIONS: String(OVERALL),
      // Behind a proxy, so that the test can speak from several addresses (X-Forwarded-For).
      TRUST_PROXY: '1',
    });
  });
  afterAll(() => server?.stop());

  test('1,500 of them: only interactions are stored, within the caps after every 100, the CPU per request stays flat, /healthz stays fast, and only the most recently used stay live (per address and overall)', async () => {
    // state and nonce at their longest (1,024): each request keeps about 2.5 kB.
    const url = authUrl(server, { state: 's'.repeat(1_000), nonce: 'n'.repeat(1_000) });
    const started: { address: string; interaction: string; jar: CookieJar }[] = [];
    const send = async (i: number) => {
      const address = `198.51.100.${i % ADDRESSES}`;
      const res = await fetch(url, { redirect: 'manual', headers: { 'x-forwarded-for': address } });
      await res.arrayBuffer();
      expect(res.status).toBe(303);
      const jar = new CookieJar();
      jar.store(res);
      started[i] = { address, interaction: new URL(res.headers.get('location')!, server.url).toString(), jar };
    };

    // For comparison, 200 authorization requests of ordinary size from other addresses: stored
    // like the flood's (PGlite works on the server's thread), and trimmed away by the caps below.
    const ordinary = authUrl(server);
    const harmless = await harmlessProbe(server, async (i) => {
      const res = await fetch(ordinary, { redirect: 'manual', headers: { 'x-forwarded-for': `203.0.113.${i % ADDRESSES}` } });
      await res.arrayBuffer();
      expect(res.status).toBe(303);
    });
    const probe = healthProbe(server);
    const cpuPerRequestMs: number[] = [];
    let offset = 0;
    try {
      for (let round = 0; round < 15; round++) {
        const from = offset;
        cpuPerRequestMs.push(await batch(100, 8, (i) => send(from + i)));
        offset += 100;
        const rows = await storedRows(server);
        expect(Object.keys(rows)).toEqual(['Interaction']);
        expect(rows.Interaction).toBeLessThanOrEqual(OVERALL);
      }
    } finally {
      expectNoSlowerThan(await probe.stop(), harmless);
    }

    // Work per request: the last 300 against 300 after warm-up (the first 100 include JIT
    // compilation). Flat means within 2x, for the noise of a shared machine (measured here:
    // 0.7-1.0x); the former file store rewriting everything per request (3.7 MB by the end) measured
    // 7.5 ms early and 20 ms late per request, 2.7x.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(cpuPerRequestMs.slice(1, 4));
    const late = mean(cpuPerRequestMs.slice(-3));
    expect(late).toBeLessThan(early * 2);

    // Which interactions are still live: their sign-in page opens (with the browser's cookie).
    const live: typeof started = [];
    for (const request of started) {
      const res = await fetch(request.interaction, { headers: { cookie: request.jar.header(request.interaction) } });
      const html = await res.text();
      if (res.status === 200 && html.includes('Sign in')) live.push(request);
      else expect(res.status).toBe(400); // oidc-provider: interaction session not found
    }
    // The overall cap: the most recently used 200, whatever their address.
    expect(live.length).toBe(OVERALL);
    const perAddress = new Map<string, number>();
    for (const { address } of live) perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    expect(Math.max(...perAddress.values())).toBeLessThanOrEqual(PER_ADDRESS);
    // The most recent ones survive: a person who just started signing in is not the one dropped.
    // (Only the last 20 by number: with 8 requests in flight, the very order of arrival may differ.)
    expect(live.slice(-20).map((r) => r.interaction)).toEqual(started.slice(-20).map((r) => r.interaction));
  }, 240_000); // each request is now a row written (and the caps kept) in the database: on a loaded machine 1,500 take over a minute

  test('one address past its cap loses its oldest interaction, not its newest, and not those of another address', async () => {
    const other = await fetch(authUrl(server), { redirect: 'manual', headers: { 'x-forwarded-for': '192.0.2.200' } });
    const otherJar = new CookieJar();
    otherJar.store(other);
    const otherUrl = new URL(other.headers.get('location')!, server.url).toString();

    const mine: { url: string; jar: CookieJar }[] = [];
    for (let i = 0; i < PER_ADDRESS + 1; i++) {
      const res = await fetch(authUrl(server), { redirect: 'manual', headers: { 'x-forwarded-for': '192.0.2.100' } });
      const jar = new CookieJar();
      jar.store(res);
      mine.push({ url: new URL(res.headers.get('location')!, server.url).toString(), jar });
    }
    const open = async ({ url, jar }: { url: string; jar: CookieJar }) => {
      const res = await fetch(url, { headers: { cookie: jar.header(url) } });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await open(mine[0]!)).toBe(400);
    expect(await open(mine[1]!)).toBe(200);
    expect(await open(mine.at(-1)!)).toBe(200);
    expect(await open({ url: otherUrl, jar: otherJar })).toBe(200);
  });
});

describe('size limits', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({ DEV_AUTH_REQUESTS_PER_MINUTE: '0' });
  });
  afterAll(() => server?.stop());

  test('a pushed authorization request (RFC 9126) over the limit is refused with a JSON 400 invalid_request', async () => {
    const res = await postForm(server.endpoint('/request'), Object.fromEntries(authorizationParams(server, { state: 'x'.repeat(40_000) })));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/this server accepts at most 4096/);
    expect(res.body.request_uri).toBeUndefined();
  });

  test('a state or nonce over 1,024 characters is refused (invalid_request back at the redirect URI, RFC 6749 §4.1.2.1)', async () => {
    for (const param of ['state', 'nonce']) {
      const res = await fetch(authUrl(server, { [param]: 'y'.repeat(1_500) }), { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${server.url}/graphql`);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toBe(`${param} must be at most 1024 characters, got 1500`);
    }
    // Also when pushed first.
    const pushed = await postForm(server.endpoint('/request'), Object.fromEntries(authorizationParams(server, { nonce: 'z'.repeat(1_100) })));
    expect(pushed.status).toBe(400);
    expect(pushed.body).toMatchObject({ error: 'invalid_request', error_description: 'nonce must be at most 1024 characters, got 1100' });
  });

  test('a started sign-in lives 10 minutes, not an hour', async () => {
    const res = await fetch(authUrl(server), { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_interaction='))!;
    const expires = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]!);
    const lifetimeS = (expires - Date.now()) / 1000;
    expect(lifetimeS).toBeGreaterThan(540);
    expect(lifetimeS).toBeLessThanOrEqual(600);
  });
});

describe('per-address throttle', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer({ DEV_AUTH_REQUESTS_PER_MINUTE: '5', TRUST_PROXY: '1' });
  });
  afterAll(() => server?.stop());

  test('the sixth authorization request of a minute from one address gets 429 with Retry-After; pushed requests count too; other addresses do not', async () => {
    const from = (address: string) => fetch(authUrl(server), { redirect: 'manual', headers: { 'x-forwarded-for': address } });
    for (let i = 0; i < 5; i++) expect((await from('203.0.113.5')).status).toBe(303);

    const refused = await from('203.0.113.5');
    expect(refused.status).toBe(429);
    const wait = refused.headers.get('retry-after');
    expect(wait).toMatch(/^\d+$/); // RFC 9110 §10.2.3: delay-seconds
    expect(Number(wait)).toBeGreaterThanOrEqual(1);
    expect(Number(wait)).toBeLessThanOrEqual(60);
    expect(await refused.text()).toMatch(/too_many_requests[\s\S]*too many authorization requests from this address/);

    const pushed = await postForm(server.endpoint('/request'), Object.fromEntries(authorizationParams(server)), { 'x-forwarded-for': '203.0.113.5' });
    expect(pushed.status).toBe(429);
    expect(pushed.body.error).toBe('too_many_requests');
    expect(pushed.headers.get('retry-after')).toMatch(/^\d+$/);

    expect((await from('203.0.113.6')).status).toBe(303);
  });
});

describe('sign-in and restart', () => {
  const dataDir = tempDataDir();
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
    removeDataDir(dataDir);
  });

  test('a normal sign-in works; the signed-in session, refresh token and an unfinished sign-in survive a restart', async () => {
    let server = await startOAuthServer({}, dataDir, db);
    let pending: { url: string; jar: CookieJar };
    let grant: Awaited<ReturnType<typeof authorize>>;
    let refreshToken: string;
    try {
      grant = await authorize(server, { scope: 'openid read', username: 'user1' });
      const tokens = await exchangeCode(server, grant);
      expect(tokens.status).toBe(200);
      refreshToken = tokens.body.refresh_token as string;
      expect(refreshToken).toEqual(expect.any(String));

      const res = await fetch(authUrl(server), { redirect: 'manual' });
      const jar = new CookieJar();
      jar.store(res);
      pending = { url: new URL(res.headers.get('location')!, server.url).toString(), jar };

      // Stored as soon as the answer is out: what a restart (or another instance) needs.
      expect(await storedRows(server)).toEqual(expect.objectContaining({ Session: expect.any(Number), Grant: 1, RefreshToken: 1, Interaction: 1 }));
    } finally {
      await server.stop();
    }

    server = await startOAuthServer({ PORT: new URL(server.url).port }, dataDir, db);
    try {
      const refreshed = await postForm(server.endpoint('/token'), { grant_type: 'refresh_token', refresh_token: refreshToken! }, { authorization: DEMO_AUTH });
      expect(refreshed.status).toBe(200);

      // Still signed in: the same browser's next request skips the sign-in page and consent (the grant is kept).
      const { verifier, challenge } = pkcePair();
      const again = `${server.endpoint('/auth')}?${new URLSearchParams({ client_id: 'demo_client', response_type: 'code', scope: 'openid read', redirect_uri: grant!.redirectUri, state: 'again', code_challenge: challenge, code_challenge_method: 'S256' })}`;
      const { res, url } = await grant!.browser.follow(await grant!.browser.get(again), again);
      expect(res.status).toBe(303);
      const code = new URL(url).searchParams.get('code');
      expect(code).toEqual(expect.any(String));
      expect((await exchangeCode(server, { code: code!, verifier, redirectUri: grant!.redirectUri })).status).toBe(200);

      // A sign-in left unfinished before the restart goes on (as it would through another instance).
      const unfinished = await fetch(pending!.url, { headers: { cookie: pending!.jar.header(pending!.url) } });
      expect(unfinished.status).toBe(200);
      expect(await unfinished.text()).toContain('Sign in');
    } finally {
      await server.stop();
    }
  });
});
