// Preloaded into the import command's processes by test/import/memory.test.ts
// (NODE_OPTIONS=--import): each prints its peak resident set size as it exits.
process.on('exit', () => process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`));
