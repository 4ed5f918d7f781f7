// Loads the bundled demo catalogue into an empty database (npm start, DEMO_DATA=1).
import type { Database } from './database.js';

export interface DemoSummary {
  loaded: boolean;
}

/** Placeholder until the importer lands: loads nothing. */
export async function loadDemoDataIfEmpty(_db: Database): Promise<DemoSummary | null> {
  return null;
}
