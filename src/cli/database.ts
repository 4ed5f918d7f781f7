// Shared by the db:* commands: the settings, and the database they name.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Database } from '../db/database.js';

export async function openConfiguredDatabase(): Promise<{ config: Config; db: Database }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
  const db = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, poolSize: config.database.poolSize });
  return { config, db };
}

export function where(config: Config): string {
  return config.database.url ? new URL(config.database.url).host + new URL(config.database.url).pathname : `PGlite in ${config.database.dataDir}`;
}
