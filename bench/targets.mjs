// The servers a benchmark run compares, each in a child process of its own.
// A target is { name, url, pid, path, method, headers, body, request(size),
// stop() }, where request(size) gives { path, method, headers, body } for a page
// of `size` courses (path … body are request(10)); `floor` and `jsonapi` are
// built in, and any other NAME is loaded from bench/NAME/target.mjs, whose
// `start(ctx)` returns the same shape (ctx: { databaseUrl, issuer, port,
// execPath, count }). NAME+count sets ctx.count (select the total count too);
// NAME@before runs the build of another checkout (--before DIR).
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonapiPath } from './answers.mjs';
import { root } from './paths.mjs';

export async function waitForReady(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // src/server.ts answers 503 until its app is assembled; a probe that
      // hangs anyway gives up after 2 s and is retried.
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * This project's built server (dist/src/main.js) in production mode on the bench database: { url, pid, stop }.
 * `apiRoot` runs another checkout's build instead (`--before DIR`: the same code before a change);
 * `execPath` another node binary (`--node PATH`).
 */
export async function startApiServer({ databaseUrl, issuer, port, apiRoot = root, execPath }) {
  const url = `http://127.0.0.1:${port}`;
  const child = fork(join(apiRoot, 'dist/src/main.js'), [], {
    cwd: apiRoot,
    stdio: 'inherit',
    execPath,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      DEMO_DATA: '0',
      MIGRATE_ON_START: '0',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-api-')),
      ...issuer.env,
    },
  });
  let onExit;
  const exited = new Promise((_, reject) => {
    onExit = (code) => reject(new Error(`the server (${join(apiRoot, 'dist/src/main.js')}) exited ${code} before it was ready`));
    child.once('exit', onExit);
  });
  try {
    await Promise.race([waitForReady(`${url}/readyz`, 180_000), exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    child.off('exit', onExit);
    exited.catch(() => undefined);
  }
  return { url, pid: child.pid, stop: stopper(child) };
}

const builtIn = {
  async floor({ databaseUrl, port, execPath }) {
    const url = `http://127.0.0.1:${port}`;
    const child = fork(join(root, 'bench/floor.mjs'), ['--serve', String(port), databaseUrl, url], { stdio: 'inherit', execPath });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`floor exited ${code}`)));
    });
    const request = (size) => ({ path: jsonapiPath(size), method: 'GET', headers: {} });
    return { url, pid: child.pid, ...request(10), request, stop: stopper(child) };
  },
  /** The JSON:API page; it always reports its count (meta.pagination), so it is the twin of the +count variants. */
  async jsonapi(ctx) {
    const server = await startApiServer(ctx);
    const token = await ctx.issuer.token('read', { expiresIn: '2h' }); // outlives the longest run
    const request = (size) => ({ path: jsonapiPath(size), method: 'GET', headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' } });
    return { ...server, ...request(10), request };
  },
};

/** NAME, NAME+count, NAME@before or NAME+count@before (see the top of this file). */
export async function startTarget(name, ctx) {
  const [spec, variant] = name.split('@');
  if (variant !== undefined && (variant !== 'before' || !ctx.beforeRoot)) throw new Error(`${name}: only NAME@before, with --before DIR, is known`);
  const [base, option] = spec.split('+');
  if (option !== undefined && option !== 'count') throw new Error(`${name}: only NAME+count is known`);
  if (option && builtIn[base]) throw new Error(`${name}: ${base} has no +count variant (the JSON:API page always counts)`);
  const context = { ...ctx, count: option === 'count', ...(variant ? { apiRoot: ctx.beforeRoot } : {}) };
  const target = builtIn[base] ? await builtIn[base](context) : await (await import(pathToFileURL(join(root, 'bench', base, 'target.mjs')).href)).start(context);
  return { ...target, name };
}
