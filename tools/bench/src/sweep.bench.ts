/**
 * Expiry sweep benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:sweep -- --clients 20000
 *
 * Starts its own PostgreSQL (embedded, durable) and Kafka broker (or uses DATABASE_ADMIN_URL /
 * KAFKA_BROKERS) and retention as a real process, exactly as `npm start` runs it, its driver ticking
 * every second. Seeds one organisation (NL policy, 20 years) with N clients whose treatment ended 30
 * years ago, in one transaction, and measures until the day's sweep of that organisation is finished:
 * each client gets its erasure request (row, two transitions, `retention.erasure.scheduled.v1` in the
 * outbox, an audit entry), in batches of 500 committed with the cursor. Baseline, same run, same
 * database: a raw `DELETE` of the same number of clients' rows of a second organisation, batches of 500
 * each in its own transaction: the floor of touching each expired client once. Target (issue 11): at
 * least 1,000 expired clients per minute. Prints a markdown report and writes it to tools/bench/results/.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Client } from 'pg';
import { generateSigningKey } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { startServiceProcess } from '@therapy-room/tools-dev';
import { benchCli } from './common/cli';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle, onCleanup, progress } from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

const USAGE = `Usage: npm run bench:sweep -- [options]

  --clients N       expired clients swept, and deleted by the baseline (default 20000)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, { numbers: ['clients', 'max-minutes'], flags: ['verbose'] });
const opts = {
  clients: cli.int('clients', 20_000, 1, 10_000_000),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
};
const TARGET_PER_MINUTE = 1_000;
const BATCH = 500;
installLifecycle(opts.maxMinutes);

async function main() {
  const startedAt = new Date();
  const [postgres, kafkaInfo] = await Promise.all([
    startBenchPostgres({ verbose: opts.verbose }),
    startBenchKafka({ verbose: opts.verbose }),
  ]);
  const { pg, database } = postgres;
  const suffix = database.slice('bench_'.length);
  const admin = new Client({ connectionString: pg.adminUrl(database) });
  await admin.connect();
  onCleanup('admin connection', () => admin.end());

  const signingKey = generateSigningKey(`bench-${suffix}`);
  const { DATABASE_URL, DATABASE_SCHEMA } = await postgres.provision('retention');
  const env = {
    REGION: 'eea',
    HOST: '127.0.0.1',
    LOG_LEVEL: opts.verbose ? 'info' : 'warn',
    KAFKA_BROKERS: kafkaInfo.brokers.join(','),
    KAFKA_TOPIC_PREFIX: `bench-${suffix}.`,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
    SERVICE_NAME: 'retention',
    PORT: String(await freePort()),
    DATABASE_URL,
    DATABASE_SCHEMA,
    RETENTION_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    RETENTION_TICK_SECONDS: '1',
  };
  progress('starting retention');
  const service = await startServiceProcess('retention', env, {
    onLine: opts.verbose ? (l) => progress(`retention: ${l}`) : undefined,
  });
  onCleanup('retention', () => service.stop());
  const s = DATABASE_SCHEMA;

  /** N clients of a new organisation whose treatment ended 30 years ago (one statement). */
  const seed = async (tenantId: string) => {
    await admin.query(
      `INSERT INTO ${s}.client_activity (client_id, tenant_id, open_assignments, last_assignment_end)
       SELECT gen_random_uuid(), $1, 0, now() - interval '30 years' FROM generate_series(1, $2)`,
      [tenantId, opts.clients],
    );
  };

  // ---- baseline: raw DELETE of the same number of clients, batches of 500, one transaction each
  const baselineTenant = randomUUID();
  await seed(baselineTenant);
  await admin.query(`VACUUM ANALYZE ${s}.client_activity`);
  const loadBefore = os.loadavg();
  const b0 = performance.now();
  for (;;) {
    const deleted = await admin.query(
      `DELETE FROM ${s}.client_activity WHERE client_id IN (
         SELECT client_id FROM ${s}.client_activity WHERE tenant_id = $1 ORDER BY client_id LIMIT $2)`,
      [baselineTenant, BATCH],
    );
    if ((deleted.rowCount ?? 0) < BATCH) break;
  }
  const baselineMs = performance.now() - b0;
  progress(`baseline: ${opts.clients} clients deleted in ${Math.round(baselineMs)} ms`);

  // ---- the sweep: policy and clients committed together; the driver's next tick starts sweeping
  const tenantId = randomUUID();
  await admin.query('BEGIN');
  await seed(tenantId);
  await admin.query(
    `INSERT INTO ${s}.retention_policy (tenant_id, country, years_after_treatment, erasure_before_expiry)
     VALUES ($1, 'NL', 20, 'allowed')`,
    [tenantId],
  );
  await admin.query('COMMIT');
  const t0 = performance.now();
  for (;;) {
    const done = await admin.query(
      `SELECT started, finished_at FROM ${s}.sweep_cursor WHERE tenant_id = $1 AND finished_at IS NOT NULL`,
      [tenantId],
    );
    if (done.rowCount) break;
    if (performance.now() - t0 > opts.maxMinutes * 60_000) throw new Error('the sweep did not finish');
    await new Promise((r) => setTimeout(r, 20));
  }
  const sweepMs = performance.now() - t0;
  const loadAfter = os.loadavg();
  const scheduled = Number(
    (
      await admin.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${s}.subject_request WHERE tenant_id = $1 AND state = 'pending'
           AND reason = 'retention_expired'`,
        [tenantId],
      )
    ).rows[0].n,
  );
  if (scheduled !== opts.clients) throw new Error(`the sweep scheduled ${scheduled} of ${opts.clients}`);
  // ---- report
  const perSecond = (ms: number) => Math.round((opts.clients / ms) * 1000);
  const sweepPerMinute = Math.round((opts.clients / sweepMs) * 60_000);
  const cpus = os.cpus();
  const report = [
    `# Expiry sweep benchmark, ${startedAt.toISOString()}`,
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}`,
    `Load average (1/5/15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}; after: ${loadAfter.map((l) => l.toFixed(2)).join(' / ')}`,
    `PostgreSQL ${pg.external ? 'external' : 'embedded (durable: fsync, synchronous_commit on)'}; Kafka ${kafkaInfo.version}; retention as a process, driver tick 1 s`,
    '',
    `${opts.clients} expired clients (NL policy, treatment ended 30 years ago), batches of ${BATCH}.`,
    '',
    '| path | ms | clients/s | clients/min |',
    '| --- | ---: | ---: | ---: |',
    `| raw \`DELETE\` of each client's row (baseline) | ${Math.round(baselineMs)} | ${perSecond(baselineMs)} | ${perSecond(baselineMs) * 60} |`,
    `| the sweep: erasure request + 2 transitions + outbox event + audit entry per client (from commit of the seed, tick latency included) | ${Math.round(sweepMs)} | ${perSecond(sweepMs)} | ${sweepPerMinute} |`,
    '',
    `Sweep at ${(baselineMs / sweepMs).toPrecision(2)} × the raw DELETE rate; ${sweepPerMinute} clients/min: ${sweepPerMinute >= TARGET_PER_MINUTE ? 'meets' : 'BELOW'} the ${TARGET_PER_MINUTE}/min target.`,
    '',
  ].join('\n');
  writeReport('sweep', startedAt, report);
}

runBenchmark(main);
