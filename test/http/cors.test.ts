// CORS of the API doors (/v1, /graphql): only the configured origins, never
// `null`; /oauth is left to the authorization server's per-client rule.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { basicAuth } from '../oauth/support/http.js';
import { DEFAULT_CLIENT_SECRET } from '../../src/oauth/index.js';

const DEMO_AUTH = basicAuth('demo_client', DEFAULT_CLIENT_SECRET);

async function preflight(url: string, origin: string, method = 'POST', headers = 'authorization, content-type'): Promise<Response> {
  const res = await fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
  await res.arrayBuffer();
  return res;
}

async function simple(url: string, origin: string): Promise<Response> {
  const res = await fetch(url, { headers: { origin, accept: 'application/vnd.api+json' } });
  await res.arrayBuffer();
  return res;
}

/** A CORS answer lets the browser through only with an Access-Control-Allow-Origin naming the origin (or *). */
function allows(res: Response, origin: string): boolean {
  const allowed = res.headers.get('access-control-allow-origin');
  return allowed === origin || allowed === '*';
}

describe('development defaults: frontend dev servers on localhost', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development' });
  });
  afterAll(() => server?.stop());

  test('preflight and simple requests from http://localhost:* and http://127.0.0.1:* are allowed on both doors', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://localhost']) {
      for (const path of ['/v1/courses', '/graphql']) {
        const pre = await preflight(`${server.url}${path}`, origin);
        expect({ origin, path, status: pre.status, allowed: allows(pre, origin) }).toEqual({ origin, path, status: 204, allowed: true });
        expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
        expect(pre.headers.get('vary')).toMatch(/origin/i);
      }
      const get = await simple(`${server.url}/v1/courses`, origin);
      expect(allows(get, origin)).toBe(true);
      // A browser app reads the challenge of a 401 and the Location of a 201.
      expect(get.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    }
  });

  test('any other origin, and the null origin, get no CORS headers', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example', 'https://localhost:5173', 'http://127.0.0.1.evil.example:80']) {
      for (const path of ['/v1/courses', '/graphql']) {
        const pre = await preflight(`${server.url}${path}`, origin);
        expect({ origin, path, acao: pre.headers.get('access-control-allow-origin'), methods: pre.headers.get('access-control-allow-methods') }).toEqual({ origin, path, acao: null, methods: null });
        const get = await simple(`${server.url}${path}`, origin);
        expect({ origin, path, acao: get.headers.get('access-control-allow-origin') }).toEqual({ origin, path, acao: null });
        // Whether the answer carries the header depends on Origin: caches must key on it.
        expect(get.headers.get('vary')).toMatch(/origin/i);
      }
    }
  });

  test('/oauth follows the authorization server per-client rule, not the API list', async () => {
    const token = (origin: string) =>
      fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        headers: { origin, authorization: DEMO_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
      });
    // demo_client's redirect URIs: https://oauth.pstmn.io/…, http://localhost:5432/…
    const own = await token('http://localhost:5432');
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('http://localhost:5432');
    for (const origin of ['https://evil.example', 'http://localhost:5173', 'null']) {
      const res = await token(origin);
      const body = (await res.json()) as { error?: string; access_token?: string };
      expect({ origin, status: res.status, error: body.error, token: body.access_token, acao: res.headers.get('access-control-allow-origin') }).toEqual({
        origin,
        status: 400,
        error: 'invalid_request',
        token: undefined,
        acao: null,
      });
    }
  });
});

describe('production', () => {
  test('no CORS_ORIGINS: no origin is allowed, not even localhost', async () => {
    const server = await startTestServer({ NODE_ENV: 'production' });
    try {
      for (const path of ['/v1/courses', '/graphql']) {
        const pre = await preflight(`${server.url}${path}`, 'http://localhost:5173');
        expect(pre.headers.get('access-control-allow-origin')).toBeNull();
        const get = await simple(`${server.url}${path}`, 'http://localhost:5173');
        expect(get.headers.get('access-control-allow-origin')).toBeNull();
      }
    } finally {
      await server.stop();
    }
  });

  test('CORS_ORIGINS lists exact origins and port wildcards; nothing else, never null', async () => {
    const server = await startTestServer({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example, http://intranet.example:*' });
    try {
      for (const origin of ['https://app.example', 'http://intranet.example:8443', 'http://intranet.example']) {
        expect({ origin, allowed: allows(await preflight(`${server.url}/graphql`, origin), origin) }).toEqual({ origin, allowed: true });
        expect({ origin, allowed: allows(await simple(`${server.url}/v1/courses`, origin), origin) }).toEqual({ origin, allowed: true });
      }
      for (const origin of ['https://app.example:444', 'http://app.example', 'https://other.example', 'https://intranet.example:8443', 'null']) {
        expect({ origin, acao: (await preflight(`${server.url}/graphql`, origin)).headers.get('access-control-allow-origin') }).toEqual({ origin, acao: null });
        expect({ origin, acao: (await simple(`${server.url}/v1/courses`, origin)).headers.get('access-control-allow-origin') }).toEqual({ origin, acao: null });
      }
    } finally {
      await server.stop();
    }
  });

  test('CORS_ORIGINS=* allows any origin except null', async () => {
    const server = await startTestServer({ NODE_ENV: 'production', CORS_ORIGINS: '*' });
    try {
      expect(allows(await simple(`${server.url}/v1/courses`, 'https://anywhere.example'), 'https://anywhere.example')).toBe(true);
      const nul = await simple(`${server.url}/v1/courses`, 'null');
      expect(nul.headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(`${server.url}/graphql`, 'null')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.stop();
    }
  });
});

test('CORS_ORIGINS entries that are not origins stop the server with a message naming the setting', () => {
  for (const value of ['null', 'https://app.example/path', 'app.example', 'ftp://files.example', 'https://*.example', 'https://app.example,null']) {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: value });
    } catch (e) {
      error = e;
    }
    expect({ value, config: error instanceof ConfigError }).toEqual({ value, config: true });
    expect((error as ConfigError).problems.join('\n')).toMatch(/^CORS_ORIGINS: /);
  }
});
