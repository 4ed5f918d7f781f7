// `npm run build`, and the first step of `npm start`, `npm run token` and the
// db:* commands: brings the build up to date, doing only the steps whose
// inputs changed since they last succeeded (scripts/build-stamps.mjs):
//   1. prisma generate          (prisma/schema.prisma, its scripts, Prisma's version)
//   2. tsc, incremental         (src/, the tsconfigs, the installed packages)
//   3. schema.graphql writer    (the compiled code; also the check of the
//                                resource descriptions against the schema)
// On an unchanged checkout this is a few file reads, not 10–40 s of
// compiling. --force runs every step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileInputs,
  compileStamp,
  generateInputs,
  generatorOutputs,
  projectRoot as root,
  readStamp,
  removeStamp,
  schemaFileInputs,
  STAMPS,
  writeStamp,
} from './build-stamps.mjs';

const force = process.argv.includes('--force');

function run(step, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    if (result.error) console.error(`build: ${step}: ${result.error.message}`);
    process.exit(result.status ?? 1);
  }
}

const nonEmptyDir = (dir) => existsSync(dir) && readdirSync(dir).length > 0;

// 1. The generated Prisma client and schema metadata (prisma-generate.mjs writes its stamp).
if (force || readStamp(root, STAMPS.generate) !== generateInputs(root) || !generatorOutputs(root).every(nonEmptyDir)) {
  run('prisma generate', [join(root, 'scripts/prisma-generate.mjs')]);
}

// 2. dist/: tsc's own incremental state (tsBuildInfoFile in tsconfig.build.json) limits a rebuild to what changed.
const compiled = compileInputs(root);
if (force || readStamp(root, STAMPS.compile) !== compileStamp(compiled, root) || !existsSync(join(root, 'dist/src/main.js'))) {
  removeStamp(root, STAMPS.compile);
  run('tsc', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  writeStamp(root, STAMPS.compile, compileStamp(compiled, root));
}

// 3. schema.graphql from the compiled schema, when the code or the file changed.
if (force || readStamp(root, STAMPS.schemaFile) !== schemaFileInputs(compiled, root)) {
  removeStamp(root, STAMPS.schemaFile);
  run('schema.graphql', [join(root, 'dist/src/graphql/cli/schema-file.js')]);
  writeStamp(root, STAMPS.schemaFile, schemaFileInputs(compiled, root));
}
