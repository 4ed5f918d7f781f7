// Types for what the tests use of build-stamps.mjs (test/support/process.ts).
export const projectRoot: string;
export const STAMPS: { generate: string; compile: string; schemaFile: string };
export function compileInputs(root?: string): string;
export function compileStamp(inputs: string, root?: string): string;
export function readStamp(root: string, stamp: string): string | undefined;
