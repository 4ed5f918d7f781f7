// Starts the real server on a free port over a fresh test database.
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createLogger } from '../../src/http/logger.js';
import { createTestDatabase } from './database.js';
import type { Database } from '../../src/db/database.js';

export interface TestServer extends RunningServer {
  config: Config;
  /** Closes the server and its test database. */
  stop(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, options: { db?: Database } = {}): Promise<TestServer> {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO_DATA: '0', DATA_DIR: 'memory://', ...env });
  const db = options.db ?? (await createTestDatabase());
  const running = await startServer(config, { db, logger: createLogger(config.logLevel) });
  return {
    ...running,
    config,
    async stop() {
      await running.close();
      if (!options.db) await db.close();
    },
  };
}
