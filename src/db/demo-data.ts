// Loads the bundled demo catalogue (prisma/demo, CC BY-NC-SA 4.0, see its
// README) into an empty database on start (DEMO_DATA=1, the default).
import { systemContext } from '../auth/types.js';
import { projectPath } from '../paths.js';
import { createServices } from '../resources/service.js';
import type { Database } from './database.js';
import { importCatalogue, readCatalogue, type ImportSummary } from './import.js';

export const demoCataloguePath = projectPath('prisma/demo/demo-catalogue.json');

/** Returns the import summary, or null when the catalogue already has data. */
export async function loadDemoDataIfEmpty(db: Database): Promise<ImportSummary | null> {
  const [courses, people] = await Promise.all([db.prisma.course.count(), db.prisma.person.count()]);
  if (courses > 0 || people > 0) return null;
  return importCatalogue(createServices(db.prisma), systemContext('demo-data'), await readCatalogue(demoCataloguePath));
}
