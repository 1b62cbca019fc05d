import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
const RULE = '@nx/enforce-module-boundaries';

interface Probe {
  name: string;
  /** A file that does not exist: ESLint lints the text as if it were there. */
  filePath: string;
  code: string;
  refused: boolean;
}

const probe = (name: string, filePath: string, from: string, refused: boolean): Probe => ({
  name,
  filePath,
  code: `import * as probe from '${from}';\nexport const used = probe;\n`,
  refused,
});

const probes: Probe[] = [
  probe(
    'service code importing the test harness',
    'services/caseload/src/probe.ts',
    '@therapy-room/testing',
    true,
  ),
  probe(
    'a service test importing the harness',
    'services/caseload/test/integration/probe.int-spec.ts',
    '@therapy-room/testing',
    false,
  ),
  probe(
    'a service unit spec importing the harness',
    'services/caseload/src/probe.spec.ts',
    '@therapy-room/testing',
    false,
  ),
  probe('a service importing a tool', 'services/identity/src/probe.ts', '@therapy-room/tools-dev', true),
  probe(
    'a service importing another service',
    'services/content/src/probe.ts',
    '@therapy-room/identity',
    true,
  ),
  probe('a lib importing a tool', 'libs/platform/src/probe.ts', '@therapy-room/local-postgres', true),
  probe('a lib importing a service', 'libs/auth/src/probe.ts', '@therapy-room/gateway', true),
  probe('lib code importing the harness', 'libs/platform/src/probe.ts', '@therapy-room/testing', true),
  probe('a tool importing the harness', 'tools/dev/src/probe.ts', '@therapy-room/testing', true),
  probe('the harness importing a tool', 'libs/testing/src/probe.ts', '@therapy-room/local-kafka', false),
  probe('a lib importing a lib', 'libs/auth/src/probe.ts', '@therapy-room/contracts', false),
  probe('contracts importing the platform', 'libs/contracts/src/probe.ts', '@therapy-room/platform', true),
];

/**
 * ESLint's Node API in a child process (it loads eslint.config.mjs as an ES module, which Jest's
 * module system does not), linting every probe's text in one run.
 */
const lintScript = `
import { ESLint } from 'eslint';
const probes = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const results = [];
for (const p of probes) {
  const [result] = await eslint.lintText(p.code, { filePath: p.filePath });
  results.push(result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })));
}
process.stdout.write(JSON.stringify(results));
`;

describe('lint module boundaries (eslint.config.mjs, Nx tags)', () => {
  let results: { ruleId: string | null; message: string }[][];

  beforeAll(() => {
    // The boundary rule reads Nx's project graph; without one it would skip itself silently.
    execFileSync(resolve(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore' });
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', lintScript, JSON.stringify(probes)],
      { cwd: root, encoding: 'utf8', maxBuffer: 10_000_000 },
    );
    results = JSON.parse(output);
  }, 120_000);

  it.each(probes.map((p, i) => [p.name, i] as const))('%s', (_name, i) => {
    const boundary = results[i].filter((m) => m.ruleId === RULE);
    expect({ probe: probes[i].name, refused: boundary.length > 0 }).toEqual({
      probe: probes[i].name,
      refused: probes[i].refused,
    });
    // Nothing else is wrong with the probe, so a refusal is the boundary's alone.
    expect(results[i].filter((m) => m.ruleId !== RULE)).toEqual([]);
  });

  it('says which tags a service and a lib may depend on', () => {
    const [serviceCode] = results;
    expect(serviceCode[0].message).toMatch(/"type:service" can only depend on libs tagged with "type:lib"/);
    const libToTool = results[probes.findIndex((p) => p.name === 'a lib importing a tool')];
    expect(libToTool[0].message).toMatch(/"type:lib" can only depend on libs tagged with "type:lib"/);
  });
});
