// `npm start`: read the settings, start the server, stop cleanly on a signal.
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { startTracing } from './observability/tracing.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // Traces (OTEL_EXPORTER_OTLP_ENDPOINT): the SDK patches modules as they load, so the server is imported after it.
  const tracing = await startTracing();
  const { startServer } = await import('./server.js');
  const running = await startServer(config);
  const stop = (signal: string) => {
    running.logger.info({ signal }, 'shutting down');
    running
      .close()
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        running.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch(async (error: unknown) => {
  // A description that disagrees with the schema: the list of fields is the whole story.
  const { ResourceSchemaError } = await import('./resources/schema-check.js');
  console.error(error instanceof ResourceSchemaError ? error.message : error);
  process.exit(1);
});
