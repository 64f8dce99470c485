/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/faults restarts services of its own and runs alone: npm run test:faults (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Integration tests talk to real PostgreSQL and Temporal: give them time, and keep CI output readable.
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: true,
};
