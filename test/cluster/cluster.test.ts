// Three instances behind nginx (deploy/nginx.conf, ports changed only) on one
// PostgreSQL primary with a streaming replica (pg_basebackup), sharing Redis:
// what docs/deployment.md promises, end to end. `npm run test:cluster`; not
// part of `npm test` (it needs nginx and PostgreSQL's server binaries).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { projectPath } from '../../src/paths.js';
import { buildOnce } from '../support/process.js';
import { Browser, basicAuth, consentCheckboxes, formAction, pkcePair, postForm } from '../oauth/support/http.js';
import { freePort, isolatedDir, startInstance, startNginx, startReplication, type Instance, type Nginx, type Replication } from './support/cluster.js';

const DEMO_AUTH = basicAuth('demo_client', 'demo_client_secret');
const CALLBACK = 'http://localhost:5432/oauth2client';
const API_SCOPES = 'read create update delete';

let replication: Replication;
let nginx: Nginx;
let ports: number[];
const instances: (Instance | undefined)[] = [];
let env: Record<string, string>;
let primarySql: pg.Client;

function instanceEnv(port: number): Record<string, string> {
  return { ...env, DATA_DIR: isolatedDir(`cluster-data-${port}-`) };
}

beforeAll(async () => {
  buildOnce();
  replication = await startReplication();
  ports = [await freePort(), await freePort(), await freePort()];
  nginx = await startNginx(ports);
  env = {
    PUBLIC_URL: nginx.url,
    TRUST_PROXY: '1',
    DATABASE_URL: replication.primary.url,
    DATABASE_READ_URLS: replication.replica.url,
    DATABASE_REPLICA_CHECK_MS: '500',
    DATABASE_READ_YOUR_WRITES_MS: '5000',
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `cluster-test-${process.pid}-${Date.now()}:`,
    DEV_AUTH_SERVER: '1',
    DEV_COOKIE_SECRET: 'a-cookie-secret-of-forty-characters-0001',
    DEV_KEYS_SECRET: 'a-keys-secret-of-forty-characters-000001',
    DEV_KEYS_REFRESH_S: '2',
    // Anonymous sign-in starts are not throttled here: the caps on stored interactions are what is tested.
    DEV_AUTH_REQUESTS_PER_MINUTE: '0',
    API_REQUESTS_PER_MINUTE: '0',
    SHUTDOWN_DRAIN_MS: '1000',
  };
  // The first migrates and loads the demo catalogue; the others start together.
  instances[0] = await startInstance(ports[0]!, { ...instanceEnv(ports[0]!), DEMO_DATA: '1' });
  const rest = await Promise.all(ports.slice(1).map((port) => startInstance(port, { ...instanceEnv(port), DEMO_DATA: '0' })));
  instances.push(...rest);
  primarySql = new pg.Client({ connectionString: replication.primary.url });
  await primarySql.connect();
}, 180_000);

afterAll(async () => {
  // The instances' warnings and errors (also 5xx answers), so that a failure here can be explained from CI's log.
  for (const instance of instances) {
    const lines = (instance?.logs.join('') ?? '').split('\n').filter((line) => /"level":(40|50|60)|"statusCode":5\d\d/.test(line));
    if (lines.length) console.log(`instance ${instance!.port}: ${lines.length} warning, error or 5xx lines; the last 40:\n${lines.slice(-40).join('\n')}`);
  }
  await primarySql?.end();
  for (const instance of instances) {
    if (instance && instance.child.exitCode === null) {
      instance.child.kill('SIGKILL');
      await instance.exited;
    }
  }
  await nginx?.close();
  replication?.close();
});

const live = () => instances.filter((i): i is Instance => !!i && i.child.exitCode === null && !i.child.killed);

async function clientToken(base: string): Promise<string> {
  const res = await postForm(`${base}/oauth/token`, { grant_type: 'client_credentials', scope: API_SCOPES }, { authorization: DEMO_AUTH });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/**
 * A sign-in through the browser's steps, each sent where `via(step)` says:
 * the authorization request, the sign-in form, the consent form and the
 * return to the authorization endpoint. Returns the code and its verifier.
 */
async function signIn(via: (step: number) => string, seen?: (method: string, status: number | string) => void): Promise<{ code: string; verifier: string }> {
  const username = 'user1';
  const raw = new Browser();
  const browser = {
    async get(url: string) {
      try {
        const res = await raw.get(url);
        seen?.('GET', res.status);
        return res;
      } catch (error) {
        seen?.('GET', String(error));
        throw error;
      }
    },
    async post(url: string, form: Record<string, string | string[]>) {
      try {
        const res = await raw.post(url, form);
        seen?.('POST', res.status);
        return res;
      } catch (error) {
        seen?.('POST', String(error));
        throw error;
      }
    },
  };
  const { verifier, challenge } = pkcePair();
  const params = new URLSearchParams({ client_id: 'demo_client', response_type: 'code', redirect_uri: CALLBACK, scope: `openid ${API_SCOPES}`, state: 'st', code_challenge: challenge, code_challenge_method: 'S256' });
  const at = (step: number, url: string) => {
    const u = new URL(url, via(step));
    const base = new URL(via(step));
    u.protocol = base.protocol;
    u.host = base.host;
    return u.toString();
  };
  let url = at(0, `/oauth/auth?${params}`);
  let res = await browser.get(url);
  // Each redirect is followed through the next instance.
  let step = 1;
  while (res.status >= 300 && res.status < 400) {
    url = at(step, res.headers.get('location')!);
    res = await browser.get(url);
  }
  let html = await res.text();
  expect(html).toContain('Sign in');
  url = at(step++, formAction(html));
  res = await browser.post(url, { username, password: `${username}pass` });
  while (res.status >= 300 && res.status < 400) {
    url = at(step++, res.headers.get('location')!);
    res = await browser.get(url);
  }
  html = await res.text();
  expect(html).toContain('Allow access?');
  const scopes = consentCheckboxes(html)
    .filter((b) => !b.disabled)
    .map((b) => b.value);
  url = at(step++, formAction(html));
  res = await browser.post(url, { scope: scopes, decision: 'allow' });
  for (;;) {
    const location = res.headers.get('location');
    if (!location) throw new Error(`sign-in stopped at ${url}: ${res.status} ${await res.text()}`);
    if (location.startsWith(CALLBACK)) {
      const code = new URL(location).searchParams.get('code');
      if (!code) throw new Error(`no code in ${location}`);
      return { code, verifier };
    }
    url = at(step++, location);
    res = await browser.get(url);
  }
}

async function exchange(base: string, grant: { code: string; verifier: string }): Promise<string> {
  const res = await postForm(`${base}/oauth/token`, { grant_type: 'authorization_code', code: grant.code, redirect_uri: CALLBACK, code_verifier: grant.verifier }, { authorization: DEMO_AUTH });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const apiGet = (base: string, path: string, token?: string) => fetch(`${base}${path}`, { headers: { accept: 'application/vnd.api+json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });

let courseCounter = 0;
function newCourse(): Record<string, unknown> {
  // Course identifiers are 4 letters, 4 digits and a letter: unique within the run (a fresh database).
  const n = courseCounter++;
  const identifier = `CLUS${String(n % 10_000).padStart(4, '0')}${String.fromCharCode(65 + Math.floor(n / 10_000))}`;
  return { data: { type: 'courses', attributes: { school_bulletin_prefix_code: 'CL', suffix_two: '00', subject_area_code: 'CLUS', course_number: String(n % 10_000), course_identifier: identifier, course_name: `Cluster ${n}`, course_description: 'made by the cluster test' } } };
}

async function createCourse(base: string, token: string): Promise<Response> {
  return fetch(`${base}/v1/courses`, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json', authorization: `Bearer ${token}` }, body: JSON.stringify(newCourse()) });
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

let rotatedAt = 0;
let rotatedKid = '';

describe('three instances behind nginx on a primary and a streaming replica', () => {
  test('the nginx that runs is deploy/nginx.conf with only its ports changed; /readyz reports each database', async () => {
    const lines = (text: string) => text.split('\n').filter((l) => !/^\s*(listen|server 127)/.test(l));
    const file = readFileSync(projectPath('deploy/nginx.conf'), 'utf8');
    expect(lines(nginx.site)).toEqual(lines(file));
    // docs/deployment.md shows the file itself.
    expect(readFileSync(projectPath('docs/deployment.md'), 'utf8')).toContain(`\`\`\`nginx\n${file}\`\`\``);
    for (const instance of live()) {
      const ready = (await (await fetch(`${instance.url}/readyz`)).json()) as { status: string; databases: { name: string; status: string }[] };
      expect(ready.status).toBe('ready');
      expect(ready.databases).toEqual([
        { name: 'primary', status: 'up' },
        { name: `127.0.0.1:${replication.replica.port}/postgres`, status: 'up' },
      ]);
    }
  });

  test('a sign-in begun through one instance finishes through the others; its token is accepted by all', async () => {
    const direct = live().map((i) => i.url);
    // Authorization request on the first, sign-in form on the second, consent on the third, and round again.
    const grant = await signIn((step) => direct[step % direct.length]!);
    const token = await exchange(direct[1]!, grant);
    for (const base of direct) expect((await apiGet(base, '/v1/courses?page[size]=1', token)).status).toBe(200);
    // And a client's token from each instance, at every other.
    for (const issuerBase of direct) {
      const t = await clientToken(issuerBase);
      for (const base of direct) expect((await apiGet(base, '/v1/courses?page[size]=1', t)).status).toBe(200);
    }
    // npm run keys:rotate, from the command line, while they run (checked below, after the rest).
    const out = execFileSync(process.execPath, [projectPath('dist/src/cli/rotate-keys.js')], { env: { ...process.env, ...env, DATA_DIR: isolatedDir('cluster-rotate-') }, encoding: 'utf8' });
    rotatedAt = Date.now();
    rotatedKid = /new signing key (\S+)/.exec(out)![1]!;
  });

  test("a write followed at once by the same client's read sees it on the primary; other reads are served by the replica", async () => {
    const token = await clientToken(nginx.url);
    const userToken = await exchange(nginx.url, await signIn(() => nginx.url));
    // Through nginx: the read may well land on another instance than the write.
    const created = await createCourse(nginx.url, token);
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { data: { id: string } }).data.id;
    for (let i = 0; i < 6; i++) expect((await apiGet(nginx.url, `/v1/courses/${id}`, token)).status).toBe(200);
    // None of those reads reached the replica: its statement log never saw the id.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replication.replicaLog()).not.toContain(id);
    // Another caller (a signed-in user) reads it from the replica.
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      status = (await apiGet(nginx.url, `/v1/courses/${id}`, userToken)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(replication.replicaLog()).toContain(id);
  });

  test('npm run keys:rotate on one machine is honoured by every instance within a minute, and no token of the new key is ever refused', async () => {
    expect(rotatedKid).not.toBe('');
    const direct = live().map((i) => i.url);
    for (;;) {
      const tokens = await Promise.all(direct.map((base) => clientToken(base)));
      const kids = tokens.map((t) => decodeProtectedHeader(t).kid);
      // A token signed with the new key is accepted by every instance from the first one on (each
      // fetches the new JWKS through nginx): the key signs only once every verifier may refetch.
      const fresh = tokens.filter((_, i) => kids[i] === rotatedKid);
      const statuses = await Promise.all(fresh.flatMap((t) => direct.map(async (base) => (await apiGet(base, '/v1/courses?page[size]=1', t)).status)));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      if (kids.every((kid) => kid === rotatedKid)) break;
      expect(Date.now() - rotatedAt).toBeLessThan(60_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(Date.now() - rotatedAt).toBeLessThan(60_000);
  }, 90_000);

  test('5,000 anonymous authorization requests leave the interaction rows bounded and sign-in latency flat', async () => {
    const direct = live().map((i) => i.url);
    const timeSignIns = async (n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await signIn((step) => direct[(i + step) % direct.length]!);
        ms.push(performance.now() - started);
      }
      return ms;
    };
    await timeSignIns(10); // warm-up: the instances' first sign-ins are slower (JIT, prepared statements)
    // The cheapest p99 of a few rounds: a shared, busy machine adds noise of its own.
    const rounds = async () => Math.min(p99(await timeSignIns(12)), p99(await timeSignIns(12)), p99(await timeSignIns(12)));
    let started = performance.now();
    const before = await rounds();
    console.log(`sign-ins before: p99 ${before.toFixed(0)} ms (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    started = performance.now();

    const params = new URLSearchParams({ client_id: 'playground', response_type: 'code', scope: 'openid', redirect_uri: `${nginx.url}/graphql`, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    let next = 0;
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 5_000) {
          next++;
          const res = await fetch(`${nginx.url}/oauth/auth?${params}`, { redirect: 'manual' });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    expect([...statuses.keys()]).toEqual([303]);
    console.log(`5,000 anonymous GET /oauth/auth through nginx: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const { rows } = await primarySql.query<{ model: string; n: string }>('SELECT model, count(*) AS n FROM oauth_payload GROUP BY model');
    const counts = Object.fromEntries(rows.map((r) => [r.model, Number(r.n)]));
    // All came from one address (nginx's X-Forwarded-For): its cap (DEV_AUTH_MAX_INTERACTIONS_PER_ADDRESS, 20) holds.
    expect(counts.Interaction).toBeLessThanOrEqual(20);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeLessThan(500);

    // The flood's tail first: the replica replays its WAL (5,000 inserts and as many deletes), on
    // the same two cores as everything else.
    for (let waited = 0; waited < 30_000; waited += 200) {
      const { rows: lag } = await primarySql.query<{ behind: boolean }>('SELECT bool_or(replay_lsn < pg_current_wal_lsn()) AS behind FROM pg_stat_replication');
      if (!lag[0]?.behind) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    let after = await rounds();
    console.log(`sign-ins after: p99 ${after.toFixed(0)} ms`);
    // Flat: within 20%. A slowdown the flood caused stays (unbounded rows made every sign-in scan
    // them); a busy moment of the machine does not, so a p99 above the bound is measured again, up
    // to three times, before it counts.
    for (let again = 0; again < 3 && after > before * 1.2; again++) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      after = Math.min(after, await rounds());
      console.log(`sign-ins after, measured again: p99 ${after.toFixed(0)} ms`);
    }
    expect(after).toBeLessThanOrEqual(before * 1.2);
  }, 900_000);

  test('30 s of mixed load while one instance gets SIGTERM, another SIGKILL and the replica stops: no idempotent request fails, every acknowledged write is stored', async () => {
    const token = await clientToken(nginx.url);
    const userToken = await exchange(nginx.url, await signIn(() => nginx.url));
    const acknowledged: string[] = [];
    const failures: { method: string; what: string; status: number | string }[] = [];
    const counts = { reads: 0, writes: 0, signIns: 0, failedWrites: 0, failedSignIns: 0 };
    const until = Date.now() + 30_000;
    const record = (method: string, what: string, status: number | string) => failures.push({ method, what, status });

    const worker = async (n: number) => {
      let i = 0;
      while (Date.now() < until) {
        const kind = (n + i++) % 6;
        try {
          if (kind === 0) {
            const res = await createCourse(nginx.url, token);
            counts.writes++;
            if (res.status === 201) acknowledged.push(((await res.json()) as { data: { id: string } }).data.id);
            else {
              await res.arrayBuffer();
              counts.failedWrites++; // a POST nginx could not finish is not acknowledged: allowed, counted
            }
          } else if (kind === 1) {
            // A sign-in: its GETs must not fail; its POSTs (sign-in form, consent) may, unacknowledged.
            try {
              await signIn(
                () => nginx.url,
                (method, status) => {
                  if (method === 'GET' && (typeof status === 'string' || status >= 500)) record('GET', 'a sign-in step', status);
                },
              );
              counts.signIns++;
            } catch {
              counts.failedSignIns++;
            }
          } else {
            const path = kind === 2 && acknowledged.length ? `/v1/courses/${acknowledged[acknowledged.length - 1]}` : `/v1/courses?page[size]=5&sort=course_identifier`;
            const res = await apiGet(nginx.url, path, kind % 2 ? userToken : token);
            await res.arrayBuffer();
            counts.reads++;
            if (res.status !== 200) record('GET', path, res.status);
          }
        } catch (error) {
          if (kind !== 0) record('GET', `kind ${kind}`, String(error));
          else counts.failedWrites++;
        }
      }
    };

    const events = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      instances[0]!.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Draining: /readyz says 503 before the port closes.
      const draining = await fetch(`${instances[0]!.url}/readyz`).then(
        (r) => r.status,
        () => 'closed',
      );
      await new Promise((resolve) => setTimeout(resolve, 4_700));
      instances[1]!.child.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      replication.replica.stop('immediate');
      return { draining, termExit: await instances[0]!.exited };
    })();

    await Promise.all(Array.from({ length: 8 }, (_, n) => worker(n)));
    const { draining, termExit } = await events;

    expect(draining).toBe(503);
    expect(termExit).toBe(0);
    expect(failures).toEqual([]);
    expect(counts.reads).toBeGreaterThan(100);
    expect(acknowledged.length).toBeGreaterThan(10);
    // Every acknowledged write is on the primary.
    const { rows } = await primarySql.query<{ id: string }>('SELECT id::text AS id FROM course WHERE id = ANY($1::uuid[])', [acknowledged]);
    expect(rows.length).toBe(acknowledged.length);
    // The remaining instance reports the replica out of rotation and stays ready on the primary.
    const ready = (await (await fetch(`${instances[2]!.url}/readyz`)).json()) as { status: string; databases: { status: string }[] };
    expect(ready.status).toBe('ready');
    expect(ready.databases.map((d) => d.status)).toEqual(['up', 'down']);
    console.log(`cluster load: ${JSON.stringify(counts)}, acknowledged writes ${acknowledged.length}`);
  }, 120_000);
});
