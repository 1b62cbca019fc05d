/**
 * Audit benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:audit -- --records 100000 --batch 500
 *
 * Starts its own PostgreSQL (embedded, durable: fsync and synchronous_commit on) and Kafka broker (or
 * uses DATABASE_ADMIN_URL / KAFKA_BROKERS), then the audit service as a real process, and measures in
 * one run:
 *  (a) ingest with the hash chain: `--records` records of one organisation arrive as
 *      audit.entry-batch.recorded.v1 events of `--batch` subjects, published while audit is stopped;
 *      audit then consumes them (validation, inbox, pseudonyms, head lock, chain, one INSERT per event,
 *      a signed checkpoint every 1,000 records). Rate = records / (last − first recorded_at);
 *  (b) the baseline: the same rows (read back, another organisation id) written by a raw batched
 *      INSERT … SELECT unnest(…) of `--batch` rows per transaction, one connection;
 *  (c) contact history: GET /audit/me/contact-history?limit=50 with an internal token, for random
 *      clients of that organisation (100,000 records), sequentially; p50/p95/p99.
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import {
  auditEntryBatchRecordedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  type EventContract,
  type PayloadOf,
} from '@therapy-room/contracts';
import { generateSigningKey, signInternalToken } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { startServiceProcess, type ServiceProcess } from '@therapy-room/tools-dev';
import { benchCli } from './common/cli';
import { installLifecycle, onCleanup, progress, shutdown } from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

const USAGE = `Usage: npm run bench:audit -- [options]

  --records N       records ingested in (a) and (b) (default 100000)
  --batch B         subjects per batch event, rows per raw INSERT (default 500)
  --clients C       clients of the organisation (default 2000)
  --requests R      contact-history requests measured in (c) (default 1000)
  --max-minutes M   abort (and clean up) after M minutes (default 15)
  --verbose         service logs on stderr
`;
const cli = benchCli(USAGE, {
  numbers: ['records', 'batch', 'clients', 'requests', 'max-minutes'],
  flags: ['verbose'],
});
const opts = {
  records: cli.int('records', 100_000, 1000, 5_000_000),
  batch: cli.int('batch', 500, 1, 500),
  clients: cli.int('clients', 2000, 10, 1_000_000),
  requests: cli.int('requests', 1000, 10, 100_000),
  maxMinutes: cli.int('max-minutes', 15, 1, 120),
  verbose: cli.flag('verbose'),
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const timer = installLifecycle(opts.maxMinutes);
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  try {
    const [postgres, kafkaInfo] = await Promise.all([
      startBenchPostgres({ verbose: opts.verbose }),
      startBenchKafka({ verbose: opts.verbose }),
    ]);
    const { pg, database } = postgres;
    const admin = new Client({ connectionString: pg.adminUrl(database) });
    await admin.connect();
    onCleanup('admin connection', () => admin.end());
    const pgVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    const db = await postgres.provision('audit', { separateOwner: true });

    const prefix = `bench-${randomBytes(3).toString('hex')}.`;
    const signingKey = generateSigningKey(`bench-${Date.now()}`);
    const env = {
      SERVICE_NAME: 'audit',
      REGION: 'eea',
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: opts.verbose ? 'info' : 'warn',
      KAFKA_BROKERS: kafkaInfo.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
      DATABASE_URL: db.DATABASE_URL,
      DATABASE_OWNER_URL: db.DATABASE_OWNER_URL!,
      DATABASE_SCHEMA: db.DATABASE_SCHEMA,
      AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
      AUDIT_SIGNING_KEYS: JSON.stringify({
        bench: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      }),
      AUDIT_SIGNING_KEY_ID: 'bench',
    };
    const start = async () => {
      const service = await startServiceProcess('audit', env, {
        onLine: opts.verbose ? (l) => progress(`audit: ${l}`) : undefined,
      });
      onCleanup('audit', () => service.stop());
      return service;
    };
    // First start: migrations and topics. Then stopped, so that (a) finds every event waiting.
    progress('starting audit once (migrations, topics), then stopping it');
    let audit: ServiceProcess = await start();
    await audit.stop();

    // ---- the organisation: professionals with names, clients, and the events ------------------
    const tenantId = randomUUID();
    const pros = Array.from({ length: 50 }, () => randomUUID());
    const clients = Array.from({ length: opts.clients }, () => randomUUID());
    const kafka = new Kafka({
      clientId: 'bench-audit',
      brokers: kafkaInfo.brokers,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    onCleanup('producer', () => producer.disconnect());
    const envelope = <C extends EventContract>(
      contract: C,
      payload: PayloadOf<C>,
      subjectId: string | null,
    ) =>
      contract.message.parse({
        id: uuidv7(),
        type: contract.topic,
        occurredAt: new Date().toISOString(),
        tenantId,
        region: 'eea',
        subjectId,
        traceparent: null,
        payload,
      });
    const send = async (contract: EventContract, messages: { key: string; value: unknown }[]) => {
      for (let i = 0; i < messages.length; i += 5) {
        await producer.send({
          topic: `${prefix}${contract.topic}`,
          acks: -1,
          messages: messages.slice(i, i + 5).map((m) => ({ key: m.key, value: JSON.stringify(m.value) })),
        });
      }
    };
    await send(
      identityUserRegisteredV1,
      pros.map((id) => ({
        key: id,
        value: envelope(identityUserRegisteredV1, { userId: id, role: 'professional' }, id),
      })),
    );
    await send(
      identityUserProfileChangedV1,
      pros.map((id, i) => ({
        key: id,
        value: envelope(identityUserProfileChangedV1, { userId: id, displayName: `Professional ${i}` }, id),
      })),
    );
    const events = Math.ceil(opts.records / opts.batch);
    progress(
      `publishing ${fmt(events)} batch events of ${opts.batch} subjects (${fmt(opts.records)} records)`,
    );
    const batches: { key: string; value: unknown }[] = [];
    for (let e = 0; e < events; e++) {
      const size = Math.min(opts.batch, opts.records - e * opts.batch);
      const offset = Math.floor(Math.random() * clients.length);
      const subjects = Array.from({ length: size }, (_, i) => {
        const subjectId = clients[(offset + i) % clients.length];
        return { subjectId, resourceId: subjectId };
      });
      batches.push({
        key: randomUUID(),
        value: envelope(
          auditEntryBatchRecordedV1,
          {
            action: 'caseload.read',
            outcome: 'success',
            actorId: pros[e % pros.length],
            actorRole: 'professional',
            resource: 'caseload.entry',
            subjects,
            sourceAddress: '203.0.113.7',
            requestId: randomUUID(),
            basis: 'caseload_assignment',
          },
          null,
        ),
      });
    }
    await send(auditEntryBatchRecordedV1, batches);

    // ---- (a) ingest with the chain -----------------------------------------------------------------
    progress('(a) starting audit: consuming the waiting events');
    audit = await start();
    const count = async (tenant: string) =>
      Number(
        (await admin.query(`SELECT count(*) AS n FROM audit.audit_record WHERE tenant_id = $1`, [tenant]))
          .rows[0].n,
      );
    for (let stored = 0; stored < opts.records; ) {
      await new Promise((r) => setTimeout(r, 500));
      stored = await count(tenantId);
      progress(`(a) ${fmt(stored)} / ${fmt(opts.records)} records`);
    }
    const span = (
      await admin.query<{ seconds: number }>(
        `SELECT extract(epoch FROM max(recorded_at) - min(recorded_at))::float8 AS seconds FROM audit.audit_record WHERE tenant_id = $1`,
        [tenantId],
      )
    ).rows[0].seconds;
    const chainRate = opts.records / span;

    // ---- (b) raw batched INSERT of the same rows -------------------------------------------------
    progress('(b) raw batched INSERT of the same rows (another organisation id)');
    const raw = new Client({ connectionString: db.DATABASE_URL });
    await raw.connect();
    onCleanup('raw connection', () => raw.end());
    const otherTenant = randomUUID();
    const columns = `tenant_id, position, recorded_at, occurred_at, event_id, action, outcome, reason, actor_ps, actor_role,
      responsible_ps, grant_id, subject_ps, object_type, object_id, sensitivity, basis, source_service, source_address,
      request_id, prev_hash, hash`;
    const types = [
      'uuid',
      'bigint',
      'timestamptz',
      'timestamptz',
      'uuid',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'uuid',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'bytea',
      'bytea',
    ];
    const rows = (
      await admin.query(`SELECT ${columns} FROM audit.audit_record WHERE tenant_id = $1 ORDER BY position`, [
        tenantId,
      ])
    ).rows as Record<string, unknown>[];
    const names = columns.split(',').map((c) => c.trim());
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += opts.batch) {
      const slice = rows.slice(i, i + opts.batch);
      const params = names.map((n) => slice.map((r) => (n === 'tenant_id' ? otherTenant : r[n])));
      await raw.query('BEGIN');
      await raw.query(
        `INSERT INTO audit_record (${columns}) SELECT * FROM unnest(${types.map((t, k) => `$${k + 1}::${t}[]`).join(', ')})`,
        params,
      );
      await raw.query('COMMIT');
    }
    const rawRate = rows.length / ((performance.now() - t0) / 1000);

    // ---- (c) contact history --------------------------------------------------------------------
    progress(`(c) ${fmt(opts.requests)} contact-history requests`);
    const totalRecords = await count(tenantId);
    const fetchHistory = async (clientId: string) => {
      const token = signInternalToken(
        { userId: clientId, tenantId, roles: ['client'], region: 'eea', sessionId: `s-${clientId}` },
        signingKey,
        'audit',
      );
      const started = performance.now();
      const res = await fetch(`${audit.url}/audit/me/contact-history?limit=50`, {
        headers: { authorization: `Bearer ${token}`, 'x-client-address': '203.0.113.9' },
      });
      const body = (await res.json()) as { items: unknown[] };
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`contact history answered ${res.status}`);
      return { ms, items: body.items.length };
    };
    for (let i = 0; i < 50; i++) await fetchHistory(clients[i % clients.length]);
    const latencies: number[] = [];
    let items = 0;
    for (let i = 0; i < opts.requests; i++) {
      const r = await fetchHistory(clients[Math.floor(Math.random() * clients.length)]);
      latencies.push(r.ms);
      items += r.items;
    }
    latencies.sort((a, b) => a - b);

    const report = `# Audit benchmark, ${startedAt.toISOString()}

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, load before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}.
PostgreSQL ${pgVersion} (durable: fsync, synchronous_commit on); Kafka ${kafkaInfo.version}; Node ${process.version}.
Options: ${JSON.stringify(opts)}.

| part | figure |
| --- | ---: |
| (a) ingest with the hash chain (Kafka → validation, inbox, pseudonyms, head lock, chain, INSERT; checkpoint every 1,000) | **${fmt(chainRate)} records/s** (${fmt(opts.records)} records in ${fmt(span, 2)} s) |
| (b) raw batched INSERT of the same rows (${opts.batch} per transaction, one connection) | ${fmt(rawRate)} records/s |
| ratio (a) / (b) | **${fmt(chainRate / rawRate, 2)}×** |
| (c) contact history, limit 50, organisation with ${fmt(totalRecords)} records, ${fmt(opts.clients)} clients: p50 / p95 / p99 | ${fmt(percentile(latencies, 0.5), 1)} / **${fmt(percentile(latencies, 0.95), 1)}** / ${fmt(percentile(latencies, 0.99), 1)} ms (${fmt(items / opts.requests, 1)} items per page) |
`;
    const dir = path.join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `audit-${startedAt.toISOString().replace(/[:.]/g, '-')}.md`);
    writeFileSync(file, report);
    process.stdout.write(`\n${report}\nResults written to ${path.relative(process.cwd(), file)}\n`);
  } finally {
    clearTimeout(timer);
    progress('stopping everything this benchmark started');
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    process.stderr.write(`audit benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
    await shutdown();
    process.exit(1);
  },
);
