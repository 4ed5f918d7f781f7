import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

test('GET /healthz answers while the process is up', async () => {
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('GET /readyz answers 200 when the database answers', async () => {
  const res = await fetch(`${server.url}/readyz`);
  expect(res.status).toBe(200);
  expect((await res.json()).status).toBe('ready');
});

test('security headers are set', async () => {
  const res = await fetch(`${server.url}/healthz`);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-powered-by')).toBeNull();
});
