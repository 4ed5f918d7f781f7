// The GraphQL benchmark: the GraphQL twin of the REST benchmark (the first 10
// courses with their terms, valid JWT, PostgreSQL with --courses courses) side
// by side with the REST door and the bare node:http + pg floor, in alternating
// rounds on a shared, noisy machine. Reuses bench/seed.mjs, bench/issuer.mjs
// and the targets of bench/targets.mjs (graphql: bench/graphql/target.mjs);
// `node bench/run.mjs --targets floor,jsonapi,graphql` runs the same targets.
// This runner only adds a port base of its own (--port) and a check that both
// doors answer the same records.
//
//   npm run build && node bench/graphql-run.mjs [--rounds 5] [--seconds 10]
//     [--connections 32] [--courses 4000] [--port 18200] [--no-build]
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { root } from './paths.mjs';
import { seedBenchDatabase } from './seed.mjs';
import { startIssuer } from './issuer.mjs';
import { startTarget } from './targets.mjs';

// The server accepts connections before its app is assembled (src/server.ts
// listens first) and leaves requests of that moment unanswered, so a readiness
// probe sent then waits forever; every fetch here gives up after 5 s instead.
const plainFetch = globalThis.fetch;
globalThis.fetch = (url, options = {}) => plainFetch(url, { signal: AbortSignal.timeout(5_000), ...options });

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const names = arg('targets', 'floor,jsonapi,graphql').split(',');
const rounds = Number(arg('rounds', 5));
const seconds = Number(arg('seconds', 10));
const connections = Number(arg('connections', 32));
const courses = Number(arg('courses', 4000));
let port = Number(arg('port', 18_200));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const load = (t, duration) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `${t.url}${t.path}`, connections, duration, headers: t.headers, method: t.method ?? 'GET', body: t.body }, (e, r) => (e ? reject(e) : resolve(r))),
  );

/** Course id → sorted term ids, from either door's answer. */
async function records(t) {
  const res = await fetch(`${t.url}${t.path}`, { method: t.method ?? 'GET', headers: t.headers, body: t.body });
  if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${await res.text()}`);
  const body = await res.json();
  if (body.errors) throw new Error(`${t.name}: ${JSON.stringify(body.errors)}`);
  const pairs = body.data?.courses
    ? body.data.courses.nodes.map((c) => [c.id, c.courseTerms.nodes.map((x) => x.id).sort()])
    : body.data.map((c) => [c.id, (c.relationships?.course_terms?.data ?? []).map((x) => x.id).sort()]);
  return JSON.stringify(pairs);
}

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const databaseUrl = await seedBenchDatabase({ courses });
const issuer = await startIssuer();
const targets = [];
try {
  for (const name of names) targets.push(await startTarget(name, { databaseUrl, issuer, port: port++ }));
  const answers = await Promise.all(targets.map(records));
  for (const [i, t] of targets.entries()) if (answers[i] !== answers[0]) throw new Error(`${t.name} and ${targets[0].name} answer different records`);
  console.log(`same courses and terms from: ${targets.map((t) => t.name).join(', ')}`);

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
    const ratio = floor && t.name !== 'floor' ? ` — ${(100 * median(rs.map((r, i) => r.rps / floor[i].rps))).toFixed(0)}% of the floor` : '';
    console.log(
      `  ${t.name.padEnd(8)} ${median(rs.map((r) => r.rps)).toFixed(0).padStart(6)} req/s   p50 ${median(rs.map((r) => r.p50))} ms   p99 ${median(rs.map((r) => r.p99))} ms   errors ${rs.reduce((n, r) => n + r.errors, 0)}${ratio}`,
    );
  }
  if (results.jsonapi && results.graphql) {
    console.log(`  graphql/jsonapi: ${(100 * median(results.graphql.map((r, i) => r.rps / results.jsonapi[i].rps))).toFixed(0)}% (median of per-round ratios)`);
  }
} finally {
  for (const t of targets) await t.stop();
  await issuer.stop();
}
