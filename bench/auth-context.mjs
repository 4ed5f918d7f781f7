// Cost of the auth context builder per request, with a warm key cache, against
// the same route without authentication, side by side in one run.
//
//   node bench/auth-context.mjs [--rounds 7] [--seconds 3] [--connections 10]
//
// A child process serves four routes on their own ports: `plain` and
// `plain-again` (no auth; the second shows how far two identical routes differ),
// `auth` (builder.build + authorize('read'), as both doors do) and `auth-nocache`
// (the same with the verified-token cache off, so every request checks the RS256
// signature). The parent drives them with autocannon, alternating the order each
// round because the machine is shared and noisy, and reports medians and ratios.
import { execFileSync, fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

if (process.argv.includes('--serve')) await serve();
else await drive();

// --- the servers (child process) -------------------------------------------------

async function serve() {
  const out = join(root, 'node_modules/.cache/auth-bench');
  const { createContextBuilder } = await import(pathToFileURL(join(out, 'src/auth/context.js')).href);
  const { loadConfig } = await import(pathToFileURL(join(out, 'src/config.js')).href);
  const { authErrorResponse } = await import(pathToFileURL(join(out, 'src/auth/errors.js')).href);
  const { default: express } = await import('express');
  const { pino } = await import('pino');
  const { StandInIssuer } = await import('../test/support/issuer.mjs');

  // The stand-in issuer the tests use: real RS256 key, JWKS over HTTP.
  const issuer = await StandInIssuer.start({ audience: 'urn:api' });
  const token = await issuer.sign({ sub: 'user1', client_id: 'web-app', scope: 'read openid profile' }, { expiresIn: '1h' });

  const config = loadConfig({ NODE_ENV: 'production', ...issuer.env });
  const logger = pino({ level: 'silent' });
  const body = { data: [{ type: 'courses', id: '1', attributes: { courseName: 'Bench' } }] };

  async function app(builder) {
    const a = express();
    a.disable('x-powered-by');
    a.set('etag', false);
    a.get('/things', async (req, res) => {
      if (builder) {
        try {
          const ctx = await builder.build(req);
          ctx.authorize('read');
        } catch (error) {
          const e = authErrorResponse(error);
          return res.status(e?.status ?? 500).set(e?.headers ?? {}).json({ errors: [e] });
        }
      }
      res.json(body);
    });
    const server = createServer(a);
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${server.address().port}/things`;
  }
  const urls = {
    plain: await app(null),
    // A second, identical unauthenticated route: its ratio to `plain` is the noise floor of the run.
    'plain-again': await app(null),
    auth: await app(await createContextBuilder({ config, logger })),
    'auth-nocache': await app(await createContextBuilder({ config, logger, verifiedTokenCacheS: 0 })),
  };
  // CPU time spent by this process, asked for before and after each run: less
  // sensitive to other processes on a shared machine than throughput is.
  process.on('message', (m) => m === 'cpu' && process.send({ cpu: process.cpuUsage() }));
  process.send({ urls, token });
}

// --- the load (parent process) ---------------------------------------------------

async function drive() {
  const rounds = arg('rounds', 7);
  const seconds = arg('seconds', 3);
  const connections = arg('connections', 10);

  // Compile just the auth modules (and what they import) to plain JS, next to node_modules.
  const out = join(root, 'node_modules/.cache/auth-bench');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), 'src/auth/context.ts', '--outDir', out, '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', '--strict'],
    { cwd: root, stdio: 'inherit' },
  );

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const { urls, token } = await new Promise((resolve) => child.once('message', resolve));
  const { default: autocannon } = await import('autocannon');
  const headers = { authorization: `Bearer ${token}` }; // sent to every route, so header parsing costs the same
  const run = (url, duration) => autocannon({ url, connections, duration, headers });
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.cpu.user + m.cpu.system));
      child.send('cpu');
    });

  for (const url of Object.values(urls)) {
    const check = await fetch(url, { headers });
    if (check.status !== 200) throw new Error(`${url} answered ${check.status}`);
    await run(url, 1); // warm-up: JIT, key cache, connection pools
  }

  const names = Object.keys(urls);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const before = await cpu();
      const r = await run(urls[name], seconds);
      const cpuUs = (await cpu()) - before;
      if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      results[name].push({ rps: r.requests.average, latency: r.latency.average, cpuPerRequest: cpuUs / r.requests.total });
    }
    process.stdout.write(`round ${round + 1}/${rounds}: ${names.map((n) => `${n} ${results[n].at(-1).rps.toFixed(0)} req/s ${results[n].at(-1).cpuPerRequest.toFixed(1)} cpu-µs/req`).join(', ')}\n`);
  }
  child.kill();

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ratioTo = (name, metric) => median(results[name].map((r, i) => metric(r) / metric(results.plain[i])));
  console.log(`\n${rounds} rounds × ${seconds} s, ${connections} connections; medians, ratios paired per round so drift between rounds cancels out:`);
  console.log('route          req/s  latency ms   server cpu-µs/req   time/req vs plain   cpu/req vs plain');
  for (const name of names) {
    const rps = median(results[name].map((r) => r.rps));
    const lat = median(results[name].map((r) => r.latency));
    const cpuReq = median(results[name].map((r) => r.cpuPerRequest));
    const timeRatio = ratioTo(name, (r) => 1 / r.rps);
    const cpuRatio = ratioTo(name, (r) => r.cpuPerRequest);
    const pct = (x) => `${x >= 1 ? '+' : ''}${((x - 1) * 100).toFixed(1)}%`;
    console.log(`${name.padEnd(14)} ${rps.toFixed(0).padStart(5)} ${lat.toFixed(2).padStart(11)} ${cpuReq.toFixed(1).padStart(19)} ${pct(timeRatio).padStart(19)} ${pct(cpuRatio).padStart(18)}`);
  }
}
