// npm run db:reset : drops every table of the catalogue, then applies all migrations afresh.
import { applyMigrations } from '../db/migrations.js';
import { openConfiguredDatabase, where } from './database.js';

const { config, db } = await openConfiguredDatabase();
try {
  await db.prisma.$executeRawUnsafe('DROP SCHEMA IF EXISTS public CASCADE');
  await db.prisma.$executeRawUnsafe('CREATE SCHEMA public');
  const applied = await applyMigrations(db.migrationAdapterFactory);
  console.log(`reset ${where(config)}: applied ${applied.join(', ')}`);
} finally {
  await db.close();
}
