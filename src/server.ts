// The server's life: open the database, migrate, load demo data, listen, and
// shut down gracefully (stop accepting, finish in-flight requests, close the
// database) on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import { loadDemoDataIfEmpty } from './db/demo-data.js';
import { createApp, type AppHandle } from './http/app.js';
import { createLogger, type Logger } from './http/logger.js';

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

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: config.database.poolSize }));
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
  const server = createServer(starting);
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
  server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
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
