// The fault suite alone (`npm run test:faults`): the root config's `faults` project, which `npm test`
// also runs (at FAULT_SENDS=200 unless set). FAULT_SENDS=10000 is the full run.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS Jest config
const root = require('../../jest.config.js');

module.exports = {
  rootDir: root.projects[0].rootDir,
  projects: [root.projects.find((p) => p.displayName === 'faults')],
  maxWorkers: 1,
  // Sockets of killed processes' peers (keep-alive, Kafka admin) may linger after the suite stopped everything.
  forceExit: true,
  reporters: root.reporters,
};
