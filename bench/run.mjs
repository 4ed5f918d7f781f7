// The REST and GraphQL benchmarks: GET /v1/courses?include=course_terms&page[size]=10
// and its GraphQL twin (bench/graphql/target.mjs), valid JWT, on PostgreSQL, the
// real server side by side with the bare floor (bench/floor.mjs), in
// alternating rounds on a shared, noisy machine.
//
//   npm run build && node bench/run.mjs [--targets floor,jsonapi,graphql] [--rounds 5]
//     [--seconds 10] [--connections 32] [--soak 60] [--courses 4000] [--no-build]
//     [--before DIR]
//
// --before DIR adds NAME@before for each API target: the same server built in
// another checkout (e.g. `git worktree add DIR main~3 && (cd DIR && npm ci &&
// npm run build)`), run side by side in the same alternating rounds, so a
// change's cost is measured against the code before it on the same machine.
//
// Reports per-target medians of requests/s and p99 latency over the rounds,
// the median of the per-round throughput ratios to the floor, and the RSS of
// each non-floor target sampled through a soak run (memory should stay flat).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { root } from './paths.mjs';
import { seedBenchDatabase } from './seed.mjs';
import { StandInIssuer } from '../test/support/issuer.mjs';
import { startTarget } from './targets.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const beforeRoot = arg('before', undefined);
const names = arg('targets', 'floor,jsonapi,graphql')
  .split(',')
  .flatMap((n) => (beforeRoot && n !== 'floor' && !n.includes('@') ? [n, `${n}@before`] : [n]));
const rounds = Number(arg('rounds', 5));
const seconds = Number(arg('seconds', 10));
const connections = Number(arg('connections', 32));
const soak = Number(arg('soak', 60));
const courses = Number(arg('courses', 4000));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function load(target, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${target.url}${target.path}`, connections, duration, headers: target.headers, method: target.method ?? 'GET', body: target.body }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const databaseUrl = await seedBenchDatabase({ courses });
const issuer = await StandInIssuer.start({ audience: 'https://api.bench/catalogue' });
const targets = [];
try {
  let port = 18_100;
  for (const name of names) targets.push(await startTarget(name, { databaseUrl, issuer, port: port++, beforeRoot }));

  // Same document from every REST target (links name each server's own address).
  const documents = [];
  for (const t of targets) {
    const res = await fetch(`${t.url}${t.path}`, { method: t.method ?? 'GET', headers: t.headers, body: t.body });
    if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
    // Links compared decoded: servers from before links were percent-encoded (`--before`) send [ ] raw.
    documents.push({ name: t.name, text: (await res.text()).replaceAll(t.url, 'BASE').replaceAll('%5B', '[').replaceAll('%5D', ']') });
  }
  const rest = documents.filter((d) => !d.name.startsWith('graphql'));
  for (const d of rest.slice(1)) {
    if (!isDeepStrictEqual(JSON.parse(d.text), JSON.parse(rest[0].text))) throw new Error(`${d.name} and ${rest[0].name} answer different documents`);
  }
  if (rest.length) console.log(`documents checked equal: ${rest.map((d) => d.name).join(', ')} (${rest[0].text.length} bytes)`);
  // GraphQL answers another shape: compare the records (course id → term ids).
  const records = (d) => {
    const body = JSON.parse(d.text);
    const pairs = body.data?.courses
      ? body.data.courses.nodes.map((c) => [c.id, c.courseTerms.nodes.map((x) => x.id).sort()])
      : body.data.map((c) => [c.id, (c.relationships?.course_terms?.data ?? []).map((x) => x.id).sort()]);
    return JSON.stringify(pairs);
  };
  // With no REST target, the first GraphQL target is the reference.
  const graphql = documents.filter((x) => x.name.startsWith('graphql'));
  const reference = rest[0] ?? graphql[0];
  for (const d of graphql.filter((x) => x !== reference)) {
    if (records(d) !== records(reference)) throw new Error(`${d.name} and ${reference.name} answer different records`);
    console.log(`same courses and terms from ${d.name} and ${reference.name}`);
  }

  for (const t of targets) await load(t, 3); // warm-up
  const results = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    for (const t of order) {
      const r = await load(t, seconds);
      results[t.name].push({ rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.non2xx });
    }
    console.log(`round ${round + 1}/${rounds}: ${targets.map((t) => `${t.name} ${results[t.name].at(-1).rps.toFixed(0)} req/s p99 ${results[t.name].at(-1).p99} ms`).join(', ')}`);
  }

  console.log(`\n${rounds} rounds × ${seconds} s, ${connections} connections, ${courses} courses; medians:`);
  const floor = results.floor;
  for (const t of targets) {
    const rs = results[t.name];
    const ratioTo = (base) => median(rs.map((r, i) => r.rps / base[i].rps));
    const before = results[`${t.name}@before`];
    const ratio =
      (floor && t.name !== 'floor' ? ` — ${(100 * ratioTo(floor)).toFixed(0)}% of the floor` : '') +
      (before ? `, ${(100 * ratioTo(before)).toFixed(1)}% of ${t.name}@before` : '') +
      (floor || before ? ' (medians of per-round ratios)' : '');
    console.log(
      `  ${t.name.padEnd(16)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s   p50 ${median(rs.map((r) => r.p50))} ms   p99 ${median(rs.map((r) => r.p99))} ms   errors ${rs.reduce((n, r) => n + r.errors, 0)}${ratio}`,
    );
  }

  if (soak > 0) {
    for (const t of targets.filter((x) => x.name !== 'floor')) {
      const samples = [];
      const timer = setInterval(() => samples.push(rssMb(t.pid)), 5000);
      const r = await load(t, soak);
      clearInterval(timer);
      console.log(
        `\nsoak ${t.name}: ${soak} s, ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}; RSS MB every 5 s: ${samples.map((s) => s.toFixed(0)).join(' ')}`,
      );
    }
  }
} finally {
  for (const t of targets) await t.stop();
  await issuer.stop();
}
