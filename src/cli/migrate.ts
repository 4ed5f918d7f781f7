// npm run db:migrate : applies pending migrations from prisma/migrations.
import { applyMigrations } from '../db/migrations.js';
import { openConfiguredDatabase, where } from './database.js';

const { config, db } = await openConfiguredDatabase();
try {
  const applied = await applyMigrations(db.migrationAdapterFactory);
  console.log(applied.length ? `applied ${applied.join(', ')} to ${where(config)}` : `${where(config)} is up to date`);
} finally {
  await db.close();
}
