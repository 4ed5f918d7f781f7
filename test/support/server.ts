// The one way tests start the real server: in this process, on a free port,
// over a fresh test database (or one the test passes, or the database its
// settings name, as in production), logging nowhere unless told where.
import type { DestinationStream } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createLogger } from '../../src/http/logger.js';
import { createTestDatabase } from './database.js';
import type { Database } from '../../src/db/database.js';

export interface TestServer extends RunningServer {
  config: Config;
  /** Closes the server and the test database it made. */
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * A database the test owns (left open on stop); 'settings': the server
   * opens DATABASE_URL itself, as in production. Default: a fresh test database.
   */
  db?: Database | 'settings';
  /** Where log lines go (at the env's LOG_LEVEL, silent unless set). */
  logTo?: DestinationStream;
}

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_DATA: '0', DATA_DIR: 'memory://', ...env });
  const ownDb = options.db === undefined ? await createTestDatabase() : undefined;
  const db = options.db === 'settings' ? undefined : (options.db ?? ownDb);
  let running: RunningServer;
  try {
    running = await startServer(config, { db, logger: createLogger(config.logLevel, options.logTo) });
  } catch (error) {
    await ownDb?.close();
    throw error;
  }
  return {
    ...running,
    config,
    async stop() {
      await running.close();
      await ownDb?.close();
    },
  };
}
