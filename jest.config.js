// One Jest run, three projects: unit specs (no I/O), integration/e2e specs, which share one real
// PostgreSQL and one real Kafka started by libs/testing's global setup, and the fault suite.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const roots = ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/tools'];
const common = {
  rootDir: __dirname,
  roots,
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // The browser app's own sources are not Node code: its unit specs sit in services/web/test.
      testMatch: ['**/src/**/*.spec.ts', '<rootDir>/services/web/test/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/test/**/*.int-spec.ts', '**/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration-setup.ts'],
      slowTestThreshold: 30,
    },
    {
      // The fault suite (tools/faults): its own PostgreSQL and Kafka, which it kills and restarts under
      // load, so no global setup. FAULT_SENDS scales it (200 here; `npm run test:faults` for bigger runs).
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/tools/faults/test/**/*.fault-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration-setup.ts'],
      slowTestThreshold: 300,
    },
  ],
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/libs/testing/src/summary-reporter.js'],
};
