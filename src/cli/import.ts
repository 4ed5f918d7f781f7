// npm run db:import -- FILE.json : bulk-loads a catalogue, reporting invalid rows.
import cliProgress from 'cli-progress';
import { importCatalogue, readCatalogue } from '../resources/import.js';
import { assertResourcesMatchSchema } from '../resources/registry.js';
import { systemContext } from '../resources/request-context.js';
import { createServices } from '../resources/service.js';
import { openConfiguredDatabase, where } from './database.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run db:import -- FILE.json');
  process.exit(2);
}
let catalogue;
try {
  assertResourcesMatchSchema();
  catalogue = await readCatalogue(file);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const { config, db } = await openConfiguredDatabase();
const bar = process.stdout.isTTY ? new cliProgress.SingleBar({ format: 'importing [{bar}] {value}/{total} rows' }, cliProgress.Presets.shades_classic) : undefined;
try {
  bar?.start(1, 0);
  const summary = await importCatalogue(createServices(db.prisma), systemContext(process.env.USER ?? 'import'), catalogue, {
    onProgress: (done, total) => {
      bar?.setTotal(total);
      bar?.update(done);
    },
  });
  bar?.stop();
  console.log(`imported into ${where(config)}:`);
  for (const type of Object.keys(summary.created)) console.log(`  ${type}: ${summary.created[type]} created, ${summary.updated[type]} updated`);
  if (summary.rejected.length) {
    console.log(`${summary.rejected.length} problem(s); these rows were not loaded:`);
    for (const r of summary.rejected) console.log(`  ${r.type}[${r.row}]${r.field ? ` ${r.field}` : ''}: ${r.detail}`);
    process.exitCode = 1;
  }
} finally {
  bar?.stop();
  await db.close();
}
