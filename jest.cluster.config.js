// npm run test:cluster: the cluster suite (test/cluster), which `npm test`
// leaves out. It needs PostgreSQL's server binaries, nginx and Redis; see
// docs/deployment.md ("The cluster test").
import base from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 120_000,
};
