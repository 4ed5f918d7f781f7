// The token caches stay bounded under a flood of distinct tokens, and a full
// cache costs the same per insert whatever its size (no sweep of every entry
// per insert, which a flood would turn into CPU load).
import { expect, test } from '@jest/globals';
import { TokenCache, tokenKey } from '../../src/auth/token-cache.js';

test('never holds more than its cap; the oldest entries go first', () => {
  const cache = new TokenCache<number>(100);
  const now = Date.now();
  for (let i = 0; i < 1_000; i++) cache.set(tokenKey(`random-${i}`), i, now + 60_000, now);
  expect(cache.size).toBe(100);
  expect(cache.get(tokenKey('random-0'), now)).toBeUndefined();
  expect(cache.get(tokenKey('random-999'), now)).toBe(999);
  expect(cache.get(tokenKey('random-900'), now)).toBe(900);
});

test('expired entries are not returned and do not count against fresh ones', () => {
  const cache = new TokenCache<string>(10);
  const now = Date.now();
  for (let i = 0; i < 10; i++) cache.set(`old-${i}`, 'x', now + 10, now);
  for (let i = 0; i < 10; i++) cache.set(`new-${i}`, 'y', now + 60_000, now + 20);
  expect(cache.size).toBe(10);
  for (let i = 0; i < 10; i++) expect(cache.get(`new-${i}`, now + 20)).toBe('y');
  expect(cache.get('old-0', now + 20)).toBeUndefined();
});

// CPU time of inserting into a full cache, per insert. Measured on the same
// machine in the same run, so only the ratio matters: a per-insert sweep of
// every entry makes the 100x larger cache some 100x slower per insert. A bound
// of 10 leaves room for noise on a loaded machine and for the larger Map's
// poorer memory locality (up to about 3x at these sizes, measured).
function cpuPerInsert(cap: number, inserts: number): number {
  const cache = new TokenCache<number>(cap);
  const now = Date.now();
  for (let i = 0; i < cap; i++) cache.set(`fill-${i}`, i, now + 60_000, now);
  const keys = Array.from({ length: inserts }, (_, i) => `flood-${i}`);
  const start = process.cpuUsage();
  for (const k of keys) cache.set(k, 0, now + 60_000, now);
  const used = process.cpuUsage(start);
  expect(cache.size).toBe(cap);
  return (used.user + used.system) / inserts;
}

test('a full cache of 10,000 costs about the same per insert as one of 100', () => {
  cpuPerInsert(100, 20_000); // warm up the JIT
  const runs = (cap: number) => Math.min(cpuPerInsert(cap, 20_000), cpuPerInsert(cap, 20_000), cpuPerInsert(cap, 20_000));
  const small = runs(100);
  const large = runs(10_000);
  expect(large / small).toBeLessThan(10);
});
