import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // @job-runner/* resolve through their workspace links; this export condition picks the
  // TypeScript sources (production code loads the compiled output).
  testEnvironmentOptions: { customExportConditions: ['jr-source', 'node', 'node-addons'] },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // A private redis-server on a free port, and a check that Docker and the exec image are there.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  // Each file starts real servers and sandboxes; two at a time suits a 2-core machine.
  maxWorkers: 2,
};

export default config;
