import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@therapy-room/platform';
import { AppModule } from './app.module';
import { UnknownTenantError, VerifyService } from './verify/verify.service';
import { SweepService } from './retention/sweep.service';

const usage = `Usage: audit-cli verify --tenant <slug|id> [--from <position|ISO time>]
       audit-cli sweep
sweep: removes every organisation's records older than AUDIT_RETENTION_YEARS behind a signed checkpoint
(run daily, e.g. by a CronJob; needs DATABASE_OWNER_URL).
verify:
Checks the organisation's hash chain and signed checkpoints (from the checkpoint before --from, or from
the start of the kept log) and names the first record that was changed, removed, inserted or reordered.
Exit code 0: intact; 3: tampering found; 2: usage or unknown organisation.`;

/** Ops commands of the audit service, run where audit runs (kubectl exec; locally with audit's env). */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, from: { type: 'string' } },
  });
  if (positionals[0] === 'sweep') return sweep();
  if (positionals[0] !== 'verify' || !values.tenant) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  let from: number | Date | undefined;
  if (values.from !== undefined) {
    from = /^\d+$/.test(values.from) ? Number(values.from) : new Date(values.from);
    if (from instanceof Date && Number.isNaN(from.getTime())) {
      process.stderr.write(`--from: not a position or an ISO time\n${usage}\n`);
      return 2;
    }
  }
  process.env.LOG_STREAM = 'stderr';
  process.env.OUTBOX_RELAY_ENABLED = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const verifier = app.get(VerifyService);
    let tenantId: string;
    try {
      tenantId = await verifier.resolveTenant(values.tenant);
    } catch (err) {
      if (!(err instanceof UnknownTenantError)) throw err;
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const result = await verifier.verify(tenantId, from);
    process.stdout.write(`${JSON.stringify({ tenantId, ...result })}\n`);
    return result.ok ? 0 : 3;
  } finally {
    await app.close();
  }
}

async function sweep(): Promise<number> {
  process.env.LOG_STREAM = 'stderr';
  process.env.OUTBOX_RELAY_ENABLED = 'false';
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const results = await app.get(SweepService).sweep();
    process.stdout.write(`${JSON.stringify({ swept: results })}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `audit-cli failed: ${(err as Error).message}`}\n`,
    );
    process.exit(1);
  },
);
