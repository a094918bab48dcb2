import type { Config } from 'jest';

/** What every project shares: TypeScript through ts-jest, on the sources. */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // @job-runner/* resolve through their workspace links; this export condition picks the
  // TypeScript sources (production code loads the compiled output).
  testEnvironmentOptions: { customExportConditions: ['jr-source', 'node', 'node-addons'] },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

const config: Config = {
  projects: [
    {
      ...base,
      displayName: 'runc',
      roots: ['<rootDir>/packages', '<rootDir>/apps', '<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
    },
    {
      // The attack suite again, every sandbox under gVisor (runsc): the second wall is held
      // to the same attacks as the first (see test/helpers/under-gvisor.ts).
      ...base,
      displayName: 'gvisor',
      roots: ['<rootDir>/test/attacks'],
      testMatch: ['**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/under-gvisor.ts'],
    },
  ],
  // A private redis-server on a free port, and a check that Docker, the exec image and gVisor's
  // runtime are there.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
  // Each file starts real servers and sandboxes; two at a time suits a 2-core machine.
  maxWorkers: 2,
};

export default config;
