// The fault suite (tools/faults/test/*.fault-spec.ts): its own Jest run, a CI step of its own after
// `npm test` (it kills and restarts its own PostgreSQL and Kafka, and loads the machine while it does).
// FAULT_SENDS scales it: CI runs 1,000 acknowledged sends, the full run 10,000.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS Jest config
const root = require('../../jest.config.js');
const integration = root.projects.find((p) => p.displayName === 'integration');

module.exports = {
  rootDir: integration.rootDir,
  projects: [
    {
      ...integration,
      displayName: 'faults',
      testMatch: ['<rootDir>/tools/faults/test/**/*.fault-spec.ts'],
      globalSetup: undefined,
      globalTeardown: undefined,
    },
  ],
  maxWorkers: 1,
  // Sockets of killed processes' peers (keep-alive, Kafka admin) may linger after the suite stopped everything.
  forceExit: true,
  reporters: root.reporters,
};
