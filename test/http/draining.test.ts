// SIGTERM drains before it stops: /readyz answers 503 ("draining") and every
// response closes its connection for SHUTDOWN_DRAIN_MS while requests are
// still served; then the port closes and the process exits 0. In development
// mode too, where Apollo Server's own SIGTERM handler used to kill the process
// at once (exit 143) before the server could drain.
import { expect, test } from '@jest/globals';
import { spawnServer } from '../support/process.js';

test('SIGTERM: /readyz 503 and connections closed while requests are still served, then exit 0', async () => {
  const server = await spawnServer({ NODE_ENV: 'development', DATA_DIR: 'memory://', DEMO_DATA: '0', SHUTDOWN_DRAIN_MS: '1500' });
  try {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('connection')).toBe('close');
    expect(await ready.json()).toEqual({ status: 'draining', database: 'pglite', databases: [{ name: 'primary', status: 'up' }] });
    // Still served while draining.
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('connection')).toBe('close');
    expect(await server.exited).toBe(0);
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  }
}, 180_000); // a build and a start of the real server, on a busy machine
