/**
 * The fault tests (npm run test:faults): worker SIGKILLs, PostgreSQL and Temporal restarts, provider storms.
 * They run one at a time against services of their own (test/faults/env.ts), never the shared :5432 and :7233.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: '<rootDir>/test/environment.ts',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  verbose: true,
};
