import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@job-runner/(config|logger|sandbox|jobs)$': '<rootDir>/packages/$1/src',
    '^@job-runner/(api|worker)$': '<rootDir>/apps/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // A private redis-server on a free port, and a check that Docker and the exec image are there.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  // Each file starts real servers and sandboxes; two at a time suits a 2-core machine.
  maxWorkers: 2,
};

export default config;
