// npm run db:import -- [--type TYPE] FILE… : bulk-loads catalogue files (JSON,
// or CSV of one type), reporting invalid rows as each batch is done. A
// progress bar on a terminal, plain progress lines otherwise.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { RowReport, RowStream } from '../resources/import.js';

const usage = `usage: npm run db:import -- [--type TYPE] [--batch-size N] FILE.json|FILE.csv …
  JSON: an object keyed by type; CSV: one type, named by the file (courses.csv) or --type`;

let files: string[];
let type: string | undefined;
let batchSize: number | undefined;
try {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { type: { type: 'string' }, 'batch-size': { type: 'string' } } });
  files = positionals;
  type = values.type;
  batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) throw new Error('--batch-size must be a positive integer');
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  process.exit(2);
}
if (!files.length) {
  console.error(usage);
  process.exit(2);
}

// V8 lets garbage pile up to several times the live heap before it collects
// the old generation: a CSV import's heap is a few batches (tens of MB), but
// left alone the process grew past 450 MB on a million rows. The command runs
// itself again with the old generation bounded: 128 MB, plus room for JSON
// files, which are read whole (about 10 times their size once parsed). A
// bound given in NODE_OPTIONS or on the command line is kept.
const bounded = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith('--max-old-space-size'));
if (!bounded) {
  const jsonBytes = files.filter((f) => extname(f).toLowerCase() !== '.csv').reduce((n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
  const heapMb = 128 + Math.ceil((10 * jsonBytes) / 2 ** 20);
  // The young generation too: Node 24's V8 grows its semi-spaces further than Node 20's (peak RSS 325 MB there on 100,000 rows).
  const run = spawnSync(process.execPath, [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=8', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const { fileStreams } = await import('../resources/import-files.js');
const { importStreams } = await import('../resources/import.js');
const { assertResourcesMatchSchema } = await import('../resources/registry.js');
const { systemContext } = await import('../resources/request-context.js');
const { createAuditTrail } = await import('../resources/audit.js');
const { pino } = await import('pino');
const { createServices } = await import('../resources/service.js');
const { openConfiguredDatabase, where } = await import('./database.js');
const { default: cliProgress } = await import('cli-progress');

let streams: RowStream[];
try {
  assertResourcesMatchSchema();
  streams = await fileStreams(files, { type });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const line = (r: RowReport) => `${r.line !== undefined ? `${r.file}:${r.line}` : `${r.file ? `${r.file} ` : ''}${r.type}[${r.row}]`}${r.field ? ` ${r.field}` : ''}: ${r.detail}`;

// A terminal gets a bar (problems are printed above it); anything else plain lines, at most one every 2 s.
const terminal = process.stdout.isTTY === true;
const bars = terminal ? new cliProgress.MultiBar({ format: 'importing [{bar}] {percentage}% {value}/{total} rows', clearOnComplete: false, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
const bar = bars?.create(1, 0);
let lastLine = 0;
const progress = (done: number, total: number) => {
  if (bar) {
    bar.setTotal(total);
    bar.update(done);
  } else if (performance.now() - lastLine > 2_000 || done === total) {
    lastLine = performance.now();
    console.log(`importing: ${done}/${total} rows`);
  }
};
const print = (text: string) => (bars ? bars.log(`${text}\n`) : console.log(text));

const { config, db } = await openConfiguredDatabase();
const started = performance.now();
// With AUDIT_TABLE=1, one audit event per batch in audit_event (this command's output is its own report, not a log).
const trail = createAuditTrail({ log: false, table: config.audit.table, retentionDays: 0 }, pino({ level: 'warn' }, pino.destination(2)), db.prisma);
const ctx = Object.assign(systemContext(process.env.USER ?? 'import'), trail ? { auditTrail: trail } : {});
try {
  const summary = await importStreams(createServices(db.prisma), ctx, streams, {
    batchSize,
    onProgress: progress,
    onRejected: (r) => print(line(r)),
  });
  bars?.stop();
  console.log(`imported into ${where(config)} in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
  for (const t of Object.keys(summary.created)) console.log(`  ${t}: ${summary.created[t]} created, ${summary.updated[t]} updated`);
  if (summary.problems) {
    console.log(`${summary.problems} problem(s), listed above; those rows were not loaded.`);
    process.exitCode = 1;
  }
} finally {
  bars?.stop();
  await trail?.close();
  await db.close();
}
