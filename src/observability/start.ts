// What the server starts for operators besides the API: the metrics listener
// (METRICS_PORT) and the database's metrics (query durations, pool state).
// Traces are started earlier, before any instrumented module loads
// (./tracing.ts, from src/main.ts).
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { enableMetrics, observeDbQuery, startMetricsServer, watchPool } from './metrics.js';

export interface Observability {
  metricsUrl?: string;
  close(): Promise<void>;
}

export async function startObservability({ config, db, logger }: { config: Config; db: Database; logger: Logger }): Promise<Observability> {
  const { metricsPort, metricsHost } = config.observability;
  if (metricsPort === undefined) return { close: async () => {} };
  enableMetrics();
  const database = 'primary';
  const stopQueries = db.onQuery((_sql, ms) => observeDbQuery(database, ms));
  const poolState = db.poolState?.bind(db);
  const stopPool = poolState ? watchPool(database, poolState) : () => undefined;
  let server;
  try {
    server = await startMetricsServer(metricsPort, metricsHost);
  } catch (error) {
    stopQueries();
    stopPool();
    throw error;
  }
  logger.info({ metrics: server.url }, 'metrics listening');
  return {
    metricsUrl: server.url,
    async close() {
      stopQueries();
      stopPool();
      await server.close();
    },
  };
}
