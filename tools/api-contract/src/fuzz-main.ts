// `npm run api:fuzz`: the public API as a contract. Starts the whole platform (contract-stack.ts),
// writes the OpenAPI document the gateway serves, and runs Schemathesis through the gateway once per
// role (org admin with TOTP, professional, client, platform staff under a grant) with its checks for
// server errors, status codes, content types and response schemas.
//
//   SCHEMATHESIS            the schemathesis executable (default: on PATH); .ci/run installs it
//   API_FUZZ_MAX_EXAMPLES   cases per operation in the fuzzing phase (default 5)
//   API_FUZZ_STRICT         1: exit non-zero on any failure (else report only)
//   API_FUZZ_OUT            where the document and reports go (default build/api-contract)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startContractStack, type Role, type Seeded } from './contract-stack';
import { validateOpenApi } from '@therapy-room/testing';

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];
/**
 * These end or replace the very session the run uses (choosing a staff grant is a privilege change:
 * identity issues a new session and revokes the old one); the e2e tests cover them instead.
 */
const SESSION_ENDING = [
  'gateway.auth.logout',
  'gateway.auth.logout-everywhere',
  'gateway.staff-access.grants.id.use',
];
/**
 * Publishing a privacy statement gates every session of the organisation (the publisher's too) until
 * it is acknowledged: that one operation runs last, on its own.
 */
const GATES_EVERYONE = 'identity.PrivacyStatement.publish';

interface Run {
  name: string;
  role: Role;
  /** Only these operations (else every one but the excluded). */
  only?: string[];
}
const RUNS: Run[] = [
  { name: 'client', role: 'client' },
  { name: 'professional', role: 'professional' },
  { name: 'platform_staff', role: 'platform_staff' },
  { name: 'org_admin', role: 'org_admin' },
  { name: 'org_admin-privacy-statement', role: 'org_admin', only: [GATES_EVERYONE] },
];

export interface RunSummary {
  name: string;
  exitCode: number | null;
  generated: number;
  failures: number;
  log: string;
}

const log = (line: string) => process.stdout.write(`api-fuzz | ${line}\n`);

/**
 * Schemathesis' configuration: the seeded ids as dictionaries that path, query and body parameters of
 * those names draw from half of the time (random ids, mostly 404s, the other half), so that answers
 * to real data are checked against their schemas too.
 */
function writeConfig(outDir: string, seeded: Seeded): string {
  const path = join(outDir, 'schemathesis.toml');
  const bindings: [string, keyof Seeded][] = [
    ['path.clientId', 'clientId'],
    ['query.clientId', 'clientId'],
    ['body.clientId', 'clientId'],
    ['query.professionalId', 'professionalId'],
    ['body.professionalId', 'professionalId'],
    ['path.conversationId', 'conversationId'],
  ];
  const lines = [
    ...(Object.keys(seeded) as (keyof Seeded)[]).flatMap((name) => [
      `[dictionaries.${name}]`,
      `values = [${JSON.stringify(seeded[name])}]`,
      '',
    ]),
    '[parameters]',
    ...bindings.map(([key, name]) => `"${key}" = { dictionary = "${name}", probability = 0.5 }`),
  ];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function runSchemathesis(
  run: Run,
  cookie: string,
  documentPath: string,
  baseUrl: string,
  outDir: string,
  configPath: string,
): Promise<RunSummary> {
  const maxExamples = process.env.API_FUZZ_MAX_EXAMPLES ?? '5';
  const logPath = join(outDir, `schemathesis-${run.name}.log`);
  const selection = run.only
    ? run.only.flatMap((id) => ['--include-operation-id', id])
    : [...SESSION_ENDING, GATES_EVERYONE].flatMap((id) => ['--exclude-operation-id', id]);
  const args = [
    '--config-file',
    configPath,
    'run',
    documentPath,
    '--url',
    baseUrl,
    '--header',
    `Cookie: ${cookie}`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    maxExamples,
    '--phases',
    'examples,coverage,fuzzing',
    '--workers',
    '1',
    '--seed',
    process.env.API_FUZZ_SEED ?? '1',
    '--request-timeout',
    '15',
    '--suppress-health-check',
    'all',
    '--report',
    'junit',
    '--report-junit-path',
    join(outDir, `schemathesis-${run.name}.xml`),
    ...selection,
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.env.SCHEMATHESIS ?? 'schemathesis', args, {
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own state (.schemathesis/) goes with the reports, not into the checkout.
      cwd: outDir,
    });
    const file = createWriteStream(logPath);
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      file.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', fail);
    child.once('exit', (exitCode) => {
      file.end();
      // "Test cases: 678 generated, 58 found 58 unique failures" (or "…, 678 passed").
      const totals = /(\d+) generated(?:, \d+ found (\d+) unique failures?)?/.exec(output);
      const generated = Number(totals?.[1] ?? 0);
      const failures = Number(totals?.[2] ?? 0);
      done({ name: run.name, exitCode, generated, failures, log: logPath });
    });
  });
}

async function main() {
  const outDir = resolve(process.env.API_FUZZ_OUT ?? 'build/api-contract');
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const { stack, login, seeded, stop } = await startContractStack(log);
  const summaries: RunSummary[] = [];
  let operations = 0;
  try {
    const res = await fetch(`${stack.gatewayUrl}/api/docs`);
    if (!res.ok) throw new Error(`GET /api/docs answered ${res.status}`);
    const document = (await res.json()) as { paths: Record<string, object> };
    operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    await validateOpenApi(document);
    const documentPath = join(outDir, 'openapi.json');
    writeFileSync(documentPath, `${JSON.stringify(document, null, 2)}\n`);
    log(`${operations} operations in ${documentPath}`);
    const configPath = writeConfig(outDir, seeded);
    for (const run of RUNS) {
      const summary = await runSchemathesis(
        run,
        await login(run.role),
        documentPath,
        stack.gatewayUrl,
        outDir,
        configPath,
      );
      summaries.push(summary);
      log(
        `${run.name}: ${summary.generated} cases, ${summary.failures} failed (exit ${summary.exitCode}; ${summary.log})`,
      );
    }
  } finally {
    await stop();
  }
  const cases = summaries.reduce((n, s) => n + s.generated, 0);
  writeFileSync(
    join(outDir, 'summary.json'),
    `${JSON.stringify({ operations, cases, runs: summaries }, null, 2)}\n`,
  );
  const failed = summaries.filter((s) => s.exitCode !== 0);
  log(
    `${operations} operations, ${RUNS.length} runs (4 roles), ${cases} cases in ${Math.round((Date.now() - started) / 1000)} s; ` +
      `${failed.length ? `failures for ${failed.map((s) => s.name).join(', ')}` : 'no failures'}`,
  );
  return failed.length && process.env.API_FUZZ_STRICT === '1' ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
