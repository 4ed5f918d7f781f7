// Runs `prisma generate` offline. The Prisma CLI insists on locating the native
// schema engine first, although `generate` never executes it; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the download that
// cannot succeed on machines without internet (see docs/development.md).
// Always generates (postinstall, `npm run generate`); scripts/build.mjs calls
// it only when the stamp written here no longer matches the inputs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateInputs, projectRoot, removeStamp, STAMPS, writeStamp } from './build-stamps.mjs';

// Read before generating: an edit made meanwhile leaves the stamp stale, so the next build regenerates.
const inputs = generateInputs();
removeStamp(projectRoot, STAMPS.generate);
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const cli = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'], env });
if (result.status !== 0) {
  process.stdout.write(result.stdout ?? '');
  process.exit(result.status ?? 1);
}
writeStamp(projectRoot, STAMPS.generate, inputs);
