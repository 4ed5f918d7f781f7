// Throughput of 1, 2 and 3 instances behind nginx (deploy/nginx.conf, ports
// changed only) on one PostgreSQL database, on this machine. A figure, not a
// target: on 2 cores the instances, nginx, PostgreSQL and the load generator
// share the same CPUs.
//
//   node bench/cluster.mjs [--database postgres://postgres@127.0.0.1:5432/bench_cluster]
//     [--seconds 15] [--connections 32] [--rounds 2]
//
// Needs a built server (npm run build) and nginx. The database is created if
// missing and migrated by the first instance, with the demo catalogue. Each
// request: GET /v1/courses?include=course_terms&page[size]=10&sort=course_identifier
// with a valid token (client credentials from the built-in server).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import autocannon from 'autocannon';
import { root as projectRoot } from './paths.mjs';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/bench_cluster' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '2' },
  },
});

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ensureDatabase(url) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
}

async function startInstance(port, env) {
  const child = spawn(process.execPath, [join(projectRoot, 'dist/src/main.js')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return child;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`instance on ${port} did not start`);
}

async function startNginx(upstreams, port) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  let i = 0;
  // Only the ports change; upstream lines past the instances in use are dropped.
  const site = readFileSync(join(projectRoot, 'deploy/nginx.conf'), 'utf8')
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`)
    .replace(/^\s*server 127\.0\.0\.1:800\d.*\n/gm, (line) => (i < upstreams.length ? line.replace(/127\.0\.0\.1:800\d/, `127.0.0.1:${upstreams[i++]}`) : ''));
  writeFileSync(join(dir, 'site.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn; events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s; include ${dir}/site.conf; }`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await sleep(500);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

await ensureDatabase(values.database);
const ports = [await freePort(), await freePort(), await freePort()];
// PUBLIC_URL (the built-in issuer, whose JWKS the instances fetch through nginx) must be known before they start: one nginx port for the run.
const nginxUrlFor = await freePort();
const results = [];
const instances = [];
const base = { DATABASE_URL: values.database, TRUST_PROXY: '1', DEV_AUTH_SERVER: '1', DEV_COOKIE_SECRET: 'b'.repeat(40), API_REQUESTS_PER_MINUTE: '0', PUBLIC_URL: `http://127.0.0.1:${nginxUrlFor}`, DATABASE_POOL_SIZE: '10' };
try {
  for (const [i, port] of ports.entries()) instances.push(await startInstance(port, { ...base, DEMO_DATA: i === 0 ? '1' : '0', DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-data-')) }));
  const tokenRes = await fetch(`http://127.0.0.1:${ports[0]}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo_client:demo_client_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=read',
  });
  const { access_token: token } = await tokenRes.json();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const n of [1, 2, 3]) {
      const nginx = await startNginx(ports.slice(0, n), nginxUrlFor);
      const url = `${nginx.url}/v1/courses?include=course_terms&page[size]=10&sort=course_identifier`;
      // Each instance fetches the issuer's JWKS through nginx: wait until every one accepts the token.
      for (const port of ports.slice(0, n)) {
        for (let i = 0; (await fetch(`http://127.0.0.1:${port}/v1/courses?page[size]=1`, { headers: { authorization: `Bearer ${token}` } })).status !== 200; i++) {
          if (i > 120) throw new Error(`instance on ${port} does not accept the token`);
          await sleep(500);
        }
      }
      await autocannon({ url, connections: 8, duration: 2, headers: { authorization: `Bearer ${token}` } }); // warm-up
      const r = await autocannon({ url, connections: Number(values.connections), duration: Number(values.seconds), headers: { authorization: `Bearer ${token}` } });
      results.push({ round, instances: n, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });
      console.log(`round ${round + 1}, ${n} instance(s): ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`);
      await nginx.stop();
    }
  }
} finally {
  for (const child of instances) child.kill('SIGTERM');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
for (const n of [1, 2, 3]) {
  const mine = results.filter((r) => r.instances === n);
  console.log(`${n} instance(s): median ${median(mine.map((r) => r.rps)).toFixed(0)} req/s, p99 ${median(mine.map((r) => r.p99))} ms`);
}
