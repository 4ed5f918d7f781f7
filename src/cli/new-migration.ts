// npm run db:migration -- NAME : writes prisma/migrations/<timestamp>_NAME from the schema diff.
import { createMigration } from '../db/migrations.js';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:migration -- NAME');
  process.exit(2);
}
const folder = await createMigration(name);
console.log(folder ? `wrote ${folder}/migration.sql` : 'the schema matches the migrations: nothing to write');
