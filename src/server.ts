// The server's life: open the database, migrate, load demo data, listen, and
// shut down gracefully (stop accepting, finish in-flight requests, close the
// database) on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import { loadDemoDataIfEmpty } from './resources/demo-data.js';
import { createApp, type AppHandle } from './http/app.js';
import { createLogger, type Logger } from './http/logger.js';
import { assertResourcesMatchSchema } from './resources/registry.js';

export interface RunningServer {
  url: string;
  server: Server;
  db: Database;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  /** An already open database (tests); otherwise opened from the config and closed on shutdown. */
  db?: Database;
  logger?: Logger;
}

/**
 * Node's limits against slow or idle clients (HTTP_* settings): the whole
 * header block within headersTimeout (also a connection that sends nothing),
 * the whole request within requestTimeout, each answered 408 and closed; an
 * idle keep-alive connection closed after keepAliveTimeout (the default, 65 s,
 * outlasts common load balancers' 60 s idle timeout, so they close first).
 */
function serverOptions(config: Config): ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.http;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks the two timeouts on this interval (30 s by default, which
    // would let a 10 s headers timeout stretch to 40 s); a quarter of the
    // shorter one keeps the overshoot small, at one pass over open requests.
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
  };
}

/** Connections past HTTP_MAX_CONNECTIONS are closed at once by Node; say so, at most every 10 s. */
function dropLogger(logger: Logger): () => void {
  let dropped = 0;
  let last = 0;
  return () => {
    dropped++;
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    logger.warn({ dropped }, 'connection refused: HTTP_MAX_CONNECTIONS reached');
    dropped = 0;
  };
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // Descriptions that disagree with prisma/schema.prisma stop the start, naming the field.
  assertResourcesMatchSchema();
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: config.database.poolSize, statementTimeoutMs: config.database.statementTimeoutMs }));
  try {
    if (config.database.migrateOnStart) {
      const applied = await applyMigrations(db.migrationAdapterFactory);
      if (applied.length) logger.info({ applied }, 'applied migrations');
    }
    if (config.database.demoData) {
      const summary = await loadDemoDataIfEmpty(db);
      if (summary) logger.info({ summary }, 'loaded the demo catalogue');
    }
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }

  // Listen first so that the public URL (and the built-in issuer) can use the
  // real port when PORT=0. Until the app is assembled, a request is answered
  // 503 with Retry-After rather than left waiting.
  const starting = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' });
    res.end(JSON.stringify({ status: 'starting' }));
  };
  const server = createServer(serverOptions(config), starting);
  server.maxConnections = config.http.maxConnections;
  server.on('drop', dropLogger(logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const publicUrl = config.publicUrl.replace(`:${config.port}`, `:${port}`);
  let app: AppHandle;
  try {
    app = await createApp({ config, db, logger, publicUrl });
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    if (ownsDb) await db.close();
    throw error;
  }
  server.off('request', starting);
  server.on('request', app.app);
  // The built-in issuer's keys come from this very server: fetch them now that it answers.
  await app.warm();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await done;
      clearTimeout(timer);
      await app.close();
      if (ownsDb) await db.close();
    })());

  logger.info({ url: publicUrl, database: db.kind }, 'listening');
  return { url: publicUrl, server, db, logger, close };
}
