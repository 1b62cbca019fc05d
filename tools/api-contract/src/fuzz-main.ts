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
import { startContractStack, type Role } from './contract-stack';
import { validateOpenApi } from '@therapy-room/testing';

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];
/** These end the very session the run uses; they are covered by the e2e tests instead. */
const SESSION_ENDING = ['gateway.auth.logout', 'gateway.auth.logout-everywhere'];
/** Org admins last: publishing a privacy statement gates everyone else's session until acknowledged. */
const ROLES: Role[] = ['client', 'professional', 'platform_staff', 'org_admin'];

export interface RunSummary {
  role: Role;
  exitCode: number | null;
  generated: number;
  failures: number;
  log: string;
}

const log = (line: string) => process.stdout.write(`api-fuzz | ${line}\n`);

function runSchemathesis(
  role: Role,
  cookie: string,
  documentPath: string,
  baseUrl: string,
  outDir: string,
): Promise<RunSummary> {
  const maxExamples = process.env.API_FUZZ_MAX_EXAMPLES ?? '5';
  const logPath = join(outDir, `schemathesis-${role}.log`);
  const args = [
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
    join(outDir, `schemathesis-${role}.xml`),
    ...SESSION_ENDING.flatMap((id) => ['--exclude-operation-id', id]),
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.env.SCHEMATHESIS ?? 'schemathesis', args, {
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
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
      done({ role, exitCode, generated, failures, log: logPath });
    });
  });
}

async function main() {
  const outDir = resolve(process.env.API_FUZZ_OUT ?? 'build/api-contract');
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const { stack, cookies, stop } = await startContractStack(log);
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
    for (const role of ROLES) {
      const summary = await runSchemathesis(role, cookies[role], documentPath, stack.gatewayUrl, outDir);
      summaries.push(summary);
      log(
        `${role}: ${summary.generated} cases, ${summary.failures} failed (exit ${summary.exitCode}; ${summary.log})`,
      );
    }
  } finally {
    await stop();
  }
  const cases = summaries.reduce((n, s) => n + s.generated, 0);
  const failed = summaries.filter((s) => s.exitCode !== 0);
  log(
    `${operations} operations, ${ROLES.length} roles, ${cases} cases in ${Math.round((Date.now() - started) / 1000)} s; ` +
      `${failed.length ? `failures for ${failed.map((s) => s.role).join(', ')}` : 'no failures'}`,
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
