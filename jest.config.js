// ESM Jest (oidc-provider and jose are ESM-only), TypeScript through SWC with
// decorator metadata for type-graphql. See docs/development.md.
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

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose|oidc-provider)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The cluster suite (nginx, a replica, several processes) runs apart: npm run test:cluster.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  setupFiles: ['<rootDir>/test/support/setup.ts'],
  testTimeout: 120_000, // generous: servers start in hooks, and CI runs three passes at once on 2 cores
  maxWorkers: process.env.CI ? 2 : '50%',
};
