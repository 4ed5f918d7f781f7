// A small front door for the auth tests: one route per operation, each calling
// the real context builder and translating errors with authErrorResponse, the
// way the JSON:API and GraphQL doors do.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { createContextBuilder, type ContextBuilder, type ContextBuilderOptions } from '../../../src/auth/context.js';
import { authErrorResponse } from '../../../src/auth/errors.js';
import type { Operation } from '../../../src/auth/types.js';

export interface ProtectedApp {
  url: string;
  builder: ContextBuilder;
  /** Every log line the builder wrote, for "the token never appears in a log" checks. */
  logLines: string[];
  call(operation: Operation, token?: string, init?: { headers?: Record<string, string>; query?: string; body?: string; contentType?: string }): Promise<Response>;
  stop(): Promise<void>;
}

const METHOD: Record<Operation, string> = { read: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE', audit: 'GET' };

export async function startProtectedApp(
  env: Record<string, string>,
  options: Omit<ContextBuilderOptions, 'config' | 'logger'> = {},
): Promise<ProtectedApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace', ...env });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const builderOptions: ContextBuilderOptions = { config, logger, ...options };
  const builder = await createContextBuilder(builderOptions);

  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  const route = (operation: Operation) => async (req: express.Request, res: express.Response) => {
    try {
      const ctx = await builder.build(req);
      ctx.authorize(operation);
      const p = ctx.principal;
      res.json({ operation, actorName: ctx.actorName, subject: p?.subject ?? null, clientId: p?.clientId ?? null, hasUser: p?.hasUser ?? null, scopes: p ? [...p.scopes] : [] });
    } catch (error) {
      const answer = authErrorResponse(error);
      if (!answer) {
        res.status(500).json({ errors: [{ status: '500', detail: String(error) }] });
        return;
      }
      res.status(answer.status).set(answer.headers).json({ errors: [{ status: String(answer.status), code: answer.code, title: answer.title, detail: answer.detail }] });
    }
  };
  app.get('/things', route('read'));
  app.post('/things', route('create'));
  app.patch('/things', route('update'));
  app.delete('/things', route('delete'));

  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    builder,
    logLines,
    call(operation, token, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
      return fetch(`${url}/things${init.query ? `?${init.query}` : ''}`, { method: METHOD[operation], headers, body: init.body });
    },
    async stop() {
      builder.close?.();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parses a WWW-Authenticate Bearer challenge into its parameters. */
export function challengeParams(header: string | null): Record<string, string> {
  if (!header) return {};
  const params: Record<string, string> = {};
  if (!/^Bearer\b/.test(header)) return { scheme: header.split(' ')[0] ?? '' };
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
  return params;
}
