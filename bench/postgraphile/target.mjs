// The peer for bench/run.mjs: PostGraphile v4 on the same bench database, one
// process, a pool of 10 connections (as our server's DATABASE_POOL_SIZE in the
// bench), no authentication on its side (no JWT, no pgSettings), default
// mutations off, query log off. It answers
//   allCourses(first: 10, orderBy: COURSE_IDENTIFIER_ASC) { nodes { … courseTermsByCourseId { nodes { … } } } }
// (`postgraphile`) and the same with totalCount (`postgraphile+count`), sent as
// a POST with a JSON body, as our GraphQL targets are.
//
// PostGraphile is not a dependency of this project: the first run installs it
// into bench/.peer (git-ignored) with `npm install --prefix bench/.peer`.
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerQuery } from '../answers.mjs';
import { root } from '../paths.mjs';

export const PEER_PACKAGE = 'postgraphile@4.14.1'; // postgraphile@4, pinned so runs compare
export const peerDir = join(root, 'bench/.peer');

/** Installs PostGraphile into bench/.peer unless the pinned version is there; returns its version. */
export function ensurePeerInstalled(log = console.log) {
  const manifest = join(peerDir, 'node_modules/postgraphile/package.json');
  const wanted = PEER_PACKAGE.split('@')[1];
  const installed = () => (existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined);
  if (installed() !== wanted) {
    log(`installing ${PEER_PACKAGE} into ${peerDir}…`);
    mkdirSync(peerDir, { recursive: true });
    writeFileSync(join(peerDir, 'package.json'), `${JSON.stringify({ private: true, description: 'bench/run.mjs: the peer server, installed by the bench (not a project dependency)' }, null, 2)}\n`);
    execFileSync('npm', ['install', '--prefix', peerDir, '--no-audit', '--no-fund', '--save-exact', PEER_PACKAGE], { stdio: 'inherit' });
  }
  return installed();
}

export async function start(ctx) {
  const version = ensurePeerInstalled();
  const url = `http://127.0.0.1:${ctx.port}`;
  const child = fork(join(root, 'bench/postgraphile/serve.mjs'), [String(ctx.port), ctx.databaseUrl, peerDir], { stdio: 'inherit', execPath: ctx.execPath });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`postgraphile exited ${code}`)));
  });
  const request = (size) => ({
    path: '/graphql',
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query: peerQuery(size, ctx.count) }),
  });
  return {
    url,
    pid: child.pid,
    label: `PostGraphile ${version}`,
    ...request(10),
    request,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
