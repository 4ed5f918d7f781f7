// Runs the built server (`node dist/src/main.js`, what `npm start` runs) as a
// child process, for tests of start-up, restart and signals.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compileInputs, compileStamp, readStamp, STAMPS } from '../../scripts/build-stamps.mjs';
import { projectPath } from '../../src/paths.js';

let built = false;

/**
 * Compiles src/ once per test file, as `npm start` does (types are checked by
 * `npm run typecheck`), unless dist/ is the build of these very sources (the
 * stamp `npm run build` writes, as CI's build before the tests does).
 */
export function buildOnce(): void {
  if (built) return;
  const root = projectPath('.');
  if (existsSync(projectPath('dist/src/main.js')) && readStamp(root, STAMPS.compile) === compileStamp(compileInputs(root), root)) {
    built = true;
    return;
  }
  const result = spawnSync(process.execPath, [projectPath('node_modules/typescript/bin/tsc'), '-p', projectPath('tsconfig.build.json'), '--noCheck'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  logs: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  buildOnce();
  const child = spawn(process.execPath, [projectPath('dist/src/main.js')], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve(entry.url);
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${logs.join('\n')}`)));
  });
  return { child, url, logs, exited };
}
