// The servers a benchmark run compares, each in a child process of its own.
// A target is { name, url, pid, path, headers, stop() }; `floor` and `jsonapi`
// are built in, and any other NAME is loaded from bench/NAME/target.mjs, whose
// `start(ctx)` returns the same shape (ctx: { databaseUrl, issuer, port }).
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './paths.mjs';

export const JSONAPI_PATH = '/v1/courses?include=course_terms&page[size]=10';

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
 * `apiRoot` runs another checkout's build instead (`--before DIR`: the same code before a change).
 */
export async function startApiServer({ databaseUrl, issuer, port, apiRoot = root }) {
  const url = `http://127.0.0.1:${port}`;
  const child = fork(join(apiRoot, 'dist/src/main.js'), [], {
    cwd: apiRoot,
    stdio: 'inherit',
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
  try {
    await waitForReady(`${url}/readyz`, 180_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { url, pid: child.pid, stop: stopper(child) };
}

const builtIn = {
  async floor({ databaseUrl, port }) {
    const url = `http://127.0.0.1:${port}`;
    const child = fork(join(root, 'bench/floor.mjs'), ['--serve', String(port), databaseUrl, url], { stdio: 'inherit' });
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`floor exited ${code}`)));
    });
    return { name: 'floor', url, pid: child.pid, path: JSONAPI_PATH, headers: {}, stop: stopper(child) };
  },
  async jsonapi(ctx) {
    const server = await startApiServer(ctx);
    const token = await ctx.issuer.token('read', { expiresIn: '2h' }); // outlives the longest run
    return { name: 'jsonapi', ...server, path: JSONAPI_PATH, headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.api+json' } };
  },
};

/** NAME, or NAME@before: the same target built from the checkout given by ctx.beforeRoot. */
export async function startTarget(name, ctx) {
  const [base, variant] = name.split('@');
  if (variant !== undefined && (variant !== 'before' || !ctx.beforeRoot)) throw new Error(`${name}: only NAME@before, with --before DIR, is known`);
  const context = variant ? { ...ctx, apiRoot: ctx.beforeRoot } : ctx;
  const target = builtIn[base] ? await builtIn[base](context) : await (await import(pathToFileURL(join(root, 'bench', base, 'target.mjs')).href)).start(context);
  return { ...target, name };
}
