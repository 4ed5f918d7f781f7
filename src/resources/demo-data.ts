// Loads the bundled demo catalogue (prisma/demo, CC BY-NC-SA 4.0, see its
// README) into an empty database on start (DEMO_DATA=1, the default), through
// the import use case.
import type { Database } from '../db/database.js';
import { projectPath } from '../paths.js';
import { importCatalogue, readCatalogue, type ImportSummary } from './import.js';
import { systemContext } from './request-context.js';
import { createServices } from './service.js';

export const demoCataloguePath = projectPath('prisma/demo/demo-catalogue.json');

/** Returns the import summary, or null when the catalogue already has data. */
export async function loadDemoDataIfEmpty(db: Database): Promise<ImportSummary | null> {
  const [courses, people] = await Promise.all([db.prisma.course.count(), db.prisma.person.count()]);
  if (courses > 0 || people > 0) return null;
  return importCatalogue(createServices(db.prisma), systemContext('demo-data'), await readCatalogue(demoCataloguePath));
}
