// Digests of each build step's inputs, kept in stamp files next to the step's
// outputs (both gitignored), so scripts/build.mjs runs a step only when its
// inputs changed. Digests are of file contents, not timestamps: a checkout
// that rewrites a file unchanged costs nothing, an edit that keeps the
// timestamp (or races a running build) still counts. Deleting dist/ or
// src/generated/ deletes the stamps with the outputs.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file's parent folder), whatever the working directory. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

// Bump when a stamp's meaning changes, so old stamps stop matching.
const FORMAT = 'build-stamps/1';

export const STAMPS = {
  generate: 'src/generated/.inputs.sha256',
  compile: 'dist/.compile-inputs.sha256',
  schemaFile: 'dist/.schema-file-inputs.sha256',
};

function contentOrAbsent(root, file) {
  const path = join(root, file);
  return existsSync(path) ? readFileSync(path) : Buffer.from('\0absent');
}

function digest(root, parts, files) {
  const hash = createHash('sha256').update(FORMAT);
  for (const part of parts) hash.update(`\0${part}`);
  for (const file of files) hash.update(`\0${file}\0`).update(contentOrAbsent(root, file));
  return hash.digest('hex');
}

function installedVersion(root, pkg) {
  try {
    return `${pkg}@${JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version}`;
  } catch {
    return `${pkg}@absent`;
  }
}

function filesUnder(root, dir) {
  const out = [];
  const walk = (abs) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.sort();
}

/** `prisma generate`: the schema, the two scripts that run it, and the Prisma packages that generate the client. */
export function generateInputs(root = projectRoot) {
  return digest(
    root,
    [installedVersion(root, 'prisma'), installedVersion(root, '@prisma/client')],
    ['prisma/schema.prisma', 'scripts/prisma-generate.mjs', 'scripts/prisma-metadata-generator.mjs'],
  );
}

/** The generators' output folders, as prisma/schema.prisma names them (relative to prisma/). */
export function generatorOutputs(root = projectRoot) {
  const schema = readFileSync(join(root, 'prisma/schema.prisma'), 'utf8');
  return [...schema.matchAll(/^\s*output\s*=\s*"([^"]+)"/gm)].map((m) => join(root, 'prisma', m[1]));
}

/**
 * tsc: everything under src/ (generated code included), the two tsconfigs,
 * and the installed dependency tree (npm's node_modules/.package-lock.json,
 * rewritten by every install), whose type declarations tsc reads.
 */
export function compileInputs(root = projectRoot) {
  const installed = existsSync(join(root, 'node_modules/.package-lock.json')) ? 'node_modules/.package-lock.json' : 'package-lock.json';
  return digest(root, [], [...filesUnder(root, 'src'), 'tsconfig.json', 'tsconfig.build.json', installed]);
}

/**
 * tsc's incremental state, which records the sources dist/ was last emitted
 * from: when another tsc run (a test's build, `npm run graphql:check`) has
 * rewritten dist/ since, it no longer matches the stamp and the build runs tsc.
 */
export const TS_BUILD_INFO = 'dist/.tsbuildinfo';
export function compileStamp(inputs, root = projectRoot) {
  return `${inputs} ${digest(root, [], [TS_BUILD_INFO])}`;
}

/** The schema.graphql writer: the compiled code, and schema.graphql as it is now (hand edits and checkouts count). */
export function schemaFileInputs(compileDigest, root = projectRoot) {
  return digest(root, [compileDigest], ['schema.graphql']);
}

export function readStamp(root, stamp) {
  try {
    return readFileSync(join(root, stamp), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a concurrent build never reads half a stamp. */
export function writeStamp(root, stamp, value) {
  const path = join(root, stamp);
  const temporary = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, `${value}\n`);
  renameSync(temporary, path);
}

/** Before a step runs: a step that fails halfway (tsc emits despite type errors) must not leave an older success on record. */
export function removeStamp(root, stamp) {
  rmSync(join(root, stamp), { force: true });
}
