/** Test files (paths relative to `root`, with `/`) that cannot reach test/support/database.ts. */
export function databaseFreeTestFiles(root: string): string[];
