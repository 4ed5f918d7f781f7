// The pieces of the cluster tests, all real and local: a PostgreSQL primary
// (initdb, on a free port) with a streaming replica made by pg_basebackup
// (its statement log kept), nginx running deploy/nginx.conf with only the
// ports changed, and instances of the built server (`node dist/src/main.js`).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../../src/paths.js';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: then its commands run as the postgres user. */
function pgCommand(command: string, args: string[]): { status: number | null; out: string } {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args]] : [join(PG_BIN, command), args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function pgMust(command: string, args: string[]): void {
  const { status, out } = pgCommand(command, args);
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${out}`);
}

export interface PostgresNode {
  port: number;
  dir: string;
  url: string;
  log: string;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
}

function node(dir: string, port: number, options: string): PostgresNode {
  const log = join(dir, '..', `${port}.log`);
  const start = () => pgMust('pg_ctl', ['-D', dir, '-l', log, '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${join(dir, '..')} ${options}`, 'start']);
  return {
    port,
    dir,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    log,
    start,
    stop(mode = 'fast') {
      pgCommand('pg_ctl', ['-D', dir, '-m', mode, '-w', 'stop']);
    },
  };
}

export interface Replication {
  root: string;
  primary: PostgresNode;
  replica: PostgresNode;
  /** The replica's statement log (log_statement=all). */
  replicaLog(): string;
  close(): void;
}

/** A primary made by initdb and a streaming replica made from it by pg_basebackup, each on a free port. */
export async function startReplication(): Promise<Replication> {
  const root = mkdtempSync(join(tmpdir(), 'cluster-pg-'));
  chmodSync(root, 0o755);
  if (isRoot) execFileSync('chown', ['postgres:postgres', root]);
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  // Throw-away data: no fsync. initdb's pg_hba trusts local connections, replication included.
  pgMust('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const primary = node(primaryDir, await freePort(), '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=replica -c max_wal_senders=5 -c max_connections=200');
  primary.start();
  pgMust('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--no-sync']);
  const replica = node(replicaDir, await freePort(), '-c fsync=off -c hot_standby=on -c log_statement=all -c max_connections=200');
  replica.start();
  return {
    root,
    primary,
    replica,
    replicaLog: () => readFileSync(replica.log, 'utf8'),
    close() {
      replica.stop('immediate');
      primary.stop('immediate');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface Nginx {
  port: number;
  url: string;
  /** The configuration as run: deploy/nginx.conf with the ports changed. */
  site: string;
  errorLog(): string;
  close(): Promise<void>;
}

/** deploy/nginx.conf with its listen port and upstream ports replaced: nothing else changes. */
export function renderSite(listenPort: number, upstreamPorts: number[]): string {
  const template = readFileSync(projectPath('deploy/nginx.conf'), 'utf8');
  let i = 0;
  const site = template
    .replace(/listen 80;/, `listen 127.0.0.1:${listenPort};`)
    .replace(/server 127\.0\.0\.1:800\d/g, () => `server 127.0.0.1:${upstreamPorts[i++]}`);
  if (i !== upstreamPorts.length) throw new Error(`deploy/nginx.conf has ${i} upstream servers, the test runs ${upstreamPorts.length}`);
  return site;
}

export async function startNginx(upstreamPorts: number[]): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-nginx-'));
  const port = await freePort();
  const site = renderSite(port, upstreamPorts);
  writeFileSync(join(dir, 'site.conf'), site);
  // The main file nginx needs around the site (what /etc/nginx/nginx.conf is on a server).
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 1024; }',
      'http {',
      `  access_log off;`,
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
      `  include ${dir}/site.conf;`,
      '}',
    ].join('\n'),
  );
  const child = spawn(process.env.NGINX ?? 'nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    site,
    errorLog: () => readFileSync(join(dir, 'error.log'), 'utf8'),
    async close() {
      child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Instance {
  port: number;
  url: string;
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
}

/** One instance of the built server on `port`, ready once its /readyz answers 200. */
export async function startInstance(port: number, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [projectPath('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited with ${child.exitCode}:\n${logs.join('')}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (i > 600) throw new Error(`instance on ${port} not ready after a minute:\n${logs.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port, url, child, logs, exited };
}

export function isolatedDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (isRoot) chownSync(dir, 0, 0);
  return dir;
}
