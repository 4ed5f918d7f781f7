// The protected route of the OAuth tests: the API's real context builder
// (src/auth/context.ts) with the demo policy, trusting the built-in
// authorization server only through its TrustedIssuer (JWKS over HTTP), as
// the app does.
//
// Until the JSON:API door serves /v1/courses, this mounts a tiny route of its
// own; `callProtectedRoute` is the one place to point at `${server.url}/v1/courses`
// (GET = read, DELETE = delete) once it exists.
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config.js';
import { createContextBuilder } from '../../../src/auth/context.js';
import { createLogger } from '../../../src/http/logger.js';
import { projectPath } from '../../../src/paths.js';
import type { Operation, TrustedIssuer } from '../../../src/auth/types.js';

export interface ProtectedRoute {
  url: string;
  close(): Promise<void>;
}

export async function startProtectedRoute(issuer: TrustedIssuer): Promise<ProtectedRoute> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEV_AUTH_SERVER: '0', OAUTH_POLICY_FILE: projectPath('src/auth/policies/demo-policy.json') });
  const auth = await createContextBuilder({ config, logger: createLogger('silent'), extraIssuers: [issuer], jwksCooldownMs: 0, verifiedTokenCacheS: 0 });
  const app = express();
  const guard = (operation: Operation): express.RequestHandler => async (req, res) => {
    try {
      const context = await auth.build(req);
      context.authorize(operation);
      res.json({ ok: true, operation, subject: context.principal?.subject });
    } catch (error) {
      const e = error as { status?: number; challenge?: string; authCode?: string; message?: string };
      if (typeof e.status !== 'number') throw error;
      if (e.challenge) res.set('WWW-Authenticate', e.challenge);
      res.status(e.status).json({ error: e.authCode, detail: e.message });
    }
  };
  app.get('/protected', guard('read'));
  app.delete('/protected', guard('delete'));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/protected`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ProtectedAnswer {
  status: number;
  /** The RFC 6750 error of the WWW-Authenticate challenge, if any. */
  error?: string;
}

/** Uses an access token on the protected route: GET for read, DELETE for delete. */
export async function callProtectedRoute(route: ProtectedRoute, token: string, method: 'GET' | 'DELETE'): Promise<ProtectedAnswer> {
  const res = await fetch(route.url, { method, headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  const challenge = res.headers.get('www-authenticate') ?? '';
  return { status: res.status, error: /error="([^"]+)"/.exec(challenge)?.[1] };
}
