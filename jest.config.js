// ESM Jest (oidc-provider and jose are ESM-only), TypeScript through SWC with
// decorator metadata for type-graphql. See docs/development.md.
import { databaseFreeTestFiles } from './test/support/database-free.mjs';

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'es6' },
  },
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// TEST_DATABASE_FILES_ONLY=1: only the files that use the pass's test database (test/support/database-free.mjs).
const databaseFree = process.env.TEST_DATABASE_FILES_ONLY === '1' ? databaseFreeTestFiles(import.meta.dirname).map((file) => `<rootDir>/${escape(file)}$`) : [];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The cluster suite (nginx, a replica, several processes) runs apart: npm run test:cluster.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', ...databaseFree],
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 120_000, // generous: servers start in hooks, and CI runs three passes at once on 2 cores
  maxWorkers: process.env.CI ? 2 : '50%',
};
