// `npm run build` (the first step of `npm start`, `npm run token`, the db:*
// commands) does only the steps whose inputs changed. Runs the real
// package.json script and scripts/ in a small project of its own (a one-model
// schema, two source files), so the real prisma generate and tsc run in
// seconds; the outputs' timestamps and contents tell which steps ran.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { projectPath } from '../../src/paths.js';

const SCHEMA = (models: string) => `
generator client {
  provider            = "prisma-client"
  output              = "../src/generated/prisma"
  importFileExtension = "js"
  moduleFormat        = "esm"
}

generator metadata {
  provider = "node scripts/prisma-metadata-generator.mjs"
  output   = "../src/generated/prisma-metadata"
}

datasource db {
  provider = "postgresql"
}
${models}`;

// Stands in for the GraphQL schema writer: writes what it read from the compiled code, and counts its runs.
const WRITER = `import { appendFileSync, writeFileSync } from 'node:fs';
import { datamodel } from '../../generated/prisma-metadata/datamodel.js';
import { greeting } from '../../main.js';

appendFileSync('writer-runs.log', 'run\\n');
writeFileSync('schema.graphql', [greeting, ...datamodel.models.map((m) => \`type \${m.name}\`)].join('\\n') + '\\n');
`;

let dir: string;
const at = (file: string) => join(dir, file);
const read = (file: string) => readFileSync(at(file), 'utf8');
const mtime = (file: string) => statSync(at(file)).mtimeMs;
const writerRuns = () => read('writer-runs.log').split('\n').filter(Boolean).length;
const outputs = ['src/generated/prisma-metadata/datamodel.ts', 'src/generated/prisma/client.ts', 'dist/src/main.js', 'dist/src/graphql/cli/schema-file.js'];
const mtimes = () => Object.fromEntries(outputs.map((file) => [file, mtime(file)]));

function build(): { status: number | null; output: string } {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not the build's
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: dir, env, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function buildOk(): void {
  const result = build();
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status}):\n${result.output}`);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'build-test-'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(projectPath(file), at(file));
  cpSync(projectPath('scripts'), at('scripts'), { recursive: true });
  symlinkSync(projectPath('node_modules'), at('node_modules'), 'dir');
  mkdirSync(at('prisma'));
  writeFileSync(at('prisma/schema.prisma'), SCHEMA('model Shelf {\n  id Int @id\n}\n'));
  mkdirSync(at('src/graphql/cli'), { recursive: true });
  writeFileSync(at('src/main.ts'), "export const greeting = 'hello';\n");
  writeFileSync(at('src/graphql/cli/schema-file.ts'), WRITER);
  writeFileSync(at('writer-runs.log'), '');
  buildOk();
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a first build generates, compiles and writes schema.graphql', () => {
  expect(read('schema.graphql')).toBe('hello\ntype Shelf\n');
  expect(writerRuns()).toBe(1);
});

test('a second build of an unchanged checkout (even with touched files) does nothing', () => {
  const before = mtimes();
  const later = new Date(Date.now() + 5_000); // timestamps alone do not count as changes
  for (const file of ['src/main.ts', 'prisma/schema.prisma', 'src/graphql/cli/schema-file.ts']) utimesSync(at(file), later, later);
  buildOk();
  expect(mtimes()).toEqual(before);
  expect(writerRuns()).toBe(1);
});

test('an edited source is compiled again, without regenerating the Prisma client', () => {
  const before = mtimes();
  writeFileSync(at('src/main.ts'), "export const greeting = 'bonjour';\n");
  buildOk();
  expect(read('dist/src/main.js')).toContain("'bonjour'");
  expect(read('schema.graphql')).toBe('bonjour\ntype Shelf\n');
  expect(writerRuns()).toBe(2);
  expect(mtime('src/generated/prisma-metadata/datamodel.ts')).toBe(before['src/generated/prisma-metadata/datamodel.ts']);
  expect(mtime('src/generated/prisma/client.ts')).toBe(before['src/generated/prisma/client.ts']);
}, 60_000);

test('a changed schema.prisma is generated, compiled and written again', () => {
  writeFileSync(at('prisma/schema.prisma'), SCHEMA('model Shelf {\n  id Int @id\n}\n\nmodel Book {\n  id Int @id\n}\n'));
  buildOk();
  expect(read('src/generated/prisma-metadata/datamodel.ts')).toContain('"name": "Book"');
  expect(read('dist/src/generated/prisma-metadata/datamodel.js')).toContain('"name": "Book"');
  expect(read('schema.graphql')).toBe('bonjour\ntype Shelf\ntype Book\n');
  expect(writerRuns()).toBe(3);
}, 60_000);

test('a failed compile is not remembered as a success: reverting the error rebuilds', () => {
  // tsc emits despite type errors, so dist/ then holds the broken code although the sources match the last good build.
  const good = read('src/main.ts');
  writeFileSync(at('src/main.ts'), `${good}export const broken: number = 'text';\n`);
  const failed = build();
  expect(failed.status).not.toBe(0);
  expect(failed.output).toContain('TS2322');
  expect(read('dist/src/main.js')).toContain('broken');

  writeFileSync(at('src/main.ts'), good);
  buildOk();
  expect(read('dist/src/main.js')).not.toContain('broken');
}, 60_000);
