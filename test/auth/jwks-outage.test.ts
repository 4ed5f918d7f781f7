// An issuer whose JWKS (or metadata) endpoint fails: tokens with unknown key
// ids cost at most one fetch per cooldown, however many arrive, and keys
// fetched before keep verifying. Counted at a real local issuer endpoint that
// answers 500, answers too late, or refuses connections.
//
// The bounds are measured, not timed: attempts are at least one cooldown
// apart, so over a burst lasting T ms there can be at most 1 + T / cooldown of
// them, whatever the machine's load made T.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, afterEach, describe, expect, test } from '@jest/globals';
import { StandInIssuer, type EndpointMode } from '../support/issuer.mjs';
import { startProtectedApp, type ProtectedApp } from './support/protected-app.js';

const AUDIENCE = 'https://api.example.edu';
const COOLDOWN_MS = 1_000;
let flaky: StandInIssuer;
let api: ProtectedApp | undefined;

beforeAll(async () => {
  flaky = await StandInIssuer.start({ audience: AUDIENCE });
});
afterAll(async () => {
  await flaky.stop();
});
afterEach(async () => {
  await api?.stop();
  api = undefined;
  await flaky.setJwksMode('normal');
  flaky.metadataMode = 'normal';
});

const known = () => flaky.sign();
// Signed with the real key, but naming a key id the issuer never published.
const unknownKid = () => flaky.sign({}, { kid: randomBytes(6).toString('hex') });

async function start(options: { jwksUri?: boolean; jwksMaxAgeMs?: number; jwksCooldownMs?: number } = {}): Promise<ProtectedApp> {
  api = await startProtectedApp(
    {
      OAUTH_ISSUER: flaky.issuer,
      OAUTH_AUDIENCE: AUDIENCE,
      ...(options.jwksUri === false ? {} : { OAUTH_JWKS_URI: flaky.jwksUri }),
      OAUTH_INTROSPECTION_TIMEOUT_MS: '300', // also the JWKS and metadata timeout
    },
    { jwksCooldownMs: options.jwksCooldownMs ?? COOLDOWN_MS, ...(options.jwksMaxAgeMs ? { jwksMaxAgeMs: options.jwksMaxAgeMs } : {}) },
  );
  return api;
}

describe.each<EndpointMode>(['error', 'slow', 'refused'])('JWKS endpoint down (%s)', (mode) => {
  test('20 tokens with unknown kids cost at most one fetch per cooldown; known keys keep verifying', async () => {
    const app = await start();
    expect((await app.call('read', await known())).status).toBe(200);
    // The successful fetch's own cooldown is over: an unknown kid may look for a rotated key now.
    await sleep(COOLDOWN_MS + 100);
    await flaky.setJwksMode(mode);

    const before = flaky.attempts;
    const started = performance.now();
    const unknownStatuses = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const res = await app.call('read', await unknownKid());
      unknownStatuses.add(res.status);
      // 503: the issuer cannot be asked whether the key was rotated in; nothing is granted.
      if (res.status === 503) expect(res.headers.get('retry-after')).toBe('5');
      expect((await app.call('read', await known())).status).toBe(200);
    }
    const elapsed = performance.now() - started;
    const fetches = flaky.attempts - before;

    expect([...unknownStatuses]).toEqual([503]);
    expect(fetches).toBeGreaterThanOrEqual(1); // it did look for a rotated key
    expect(fetches).toBeLessThanOrEqual(1 + Math.floor(elapsed / COOLDOWN_MS));
  });
});

test('keys fetched before keep verifying past their max age while the endpoint fails; the refetch is tried at most once per cooldown', async () => {
  const app = await start({ jwksMaxAgeMs: 200 });
  expect((await app.call('read', await known())).status).toBe(200);
  await flaky.setJwksMode('error');
  await sleep(COOLDOWN_MS + 100); // past the max age and the cooldown

  const before = flaky.attempts;
  const started = performance.now();
  for (let i = 0; i < 10; i++) expect((await app.call('read', await known())).status).toBe(200);
  const elapsed = performance.now() - started;
  const fetches = flaky.attempts - before;
  expect(fetches).toBeGreaterThanOrEqual(1); // a stale JWKS is refetched…
  expect(fetches).toBeLessThanOrEqual(1 + Math.floor(elapsed / COOLDOWN_MS)); // …but not at every request
  expect(app.logLines.join('')).toContain('keeping the keys fetched before');
});

test('after the outage, a key rotated in meanwhile is picked up at the next attempt', async () => {
  const app = await start();
  expect((await app.call('read', await known())).status).toBe(200);
  await flaky.setJwksMode('error');
  await sleep(COOLDOWN_MS + 100);
  expect((await app.call('read', await unknownKid())).status).toBe(503);
  await flaky.setJwksMode('normal');
  await flaky.rotate();
  await sleep(COOLDOWN_MS + 100);
  expect((await app.call('read', await known())).status).toBe(200); // signed with the new key
  // Within the next cooldown, an unknown kid is the token's fault again: 401, no fetch.
  const before = flaky.attempts;
  expect((await app.call('read', await unknownKid())).status).toBe(401);
  expect(flaky.attempts).toBe(before);
});

test('failed discovery backs off too: at most one discovery attempt per cooldown', async () => {
  flaky.metadataMode = 'error';
  const app = await start({ jwksUri: false });
  const before = flaky.metadataRequests;
  const started = performance.now();
  for (let i = 0; i < 20; i++) expect((await app.call('read', await known())).status).toBe(503);
  const elapsed = performance.now() - started;
  // One attempt asks both well-known locations (OIDC Discovery, then RFC 8414).
  expect(flaky.metadataRequests - before).toBeGreaterThanOrEqual(2);
  expect(flaky.metadataRequests - before).toBeLessThanOrEqual(2 * (1 + Math.floor(elapsed / COOLDOWN_MS)));

  flaky.metadataMode = 'normal';
  await sleep(COOLDOWN_MS + 100);
  expect((await app.call('read', await known())).status).toBe(200);
});

test('a warm-up that fails (an issuer still starting, behind a proxy) does not hold back the first token: it fetches at once, and the log names the HTTP status', async () => {
  await flaky.setJwksMode('error');
  // A cooldown far longer than the test: only an attempt the warm-up did not count can explain a 200.
  const app = await start({ jwksCooldownMs: 600_000 });
  const before = flaky.attempts;
  await app.builder.warm();
  expect(flaky.attempts - before).toBe(1);
  const warning = app.logLines.find((line) => line.includes('could not fetch the issuer keys ahead of the first token'));
  expect(JSON.parse(warning!).reason).toBe(`cannot fetch the JWKS of ${flaky.issuer}: ${flaky.jwksUri} answered HTTP 500 Internal Server Error`);
  await flaky.setJwksMode('normal');
  expect((await app.call('read', await known())).status).toBe(200);
  // That success starts the cooldown as any other: an unknown kid now is the token's fault, with no fetch.
  const after = flaky.attempts;
  expect((await app.call('read', await unknownKid())).status).toBe(401);
  expect(flaky.attempts).toBe(after);
});
