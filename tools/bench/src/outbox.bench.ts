/**
 * Outbox benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:outbox -- --writes 20000 --concurrency 16 --backlog 100000
 *
 * Starts its own PostgreSQL (embedded, durable: fsync and synchronous_commit on) and its own Kafka
 * broker, or uses DATABASE_ADMIN_URL / KAFKA_BROKERS when set, and measures in one run:
 *  (a) the write path: OutboxService.add inside a TypeORM transaction vs. a raw two-INSERT pg transaction;
 *  (b) draining a backlog: the real OutboxRelay vs. a raw batched kafkajs idempotent producer;
 *  (c) one awaited send per event, to show what batching buys.
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Pool } from 'pg';
import pino, { type Logger } from 'pino';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { identityUserRegisteredV1 } from '@therapy-room/contracts';
import {
  baseConfigShape,
  createDataSource,
  createKafka,
  createLogger,
  databaseConfigShape,
  KafkaProducer,
  loadConfig,
  OutboxRelay,
  OutboxService,
  outboxChannel,
  prefixed,
  type BaseConfig,
  type DatabaseConfig,
} from '@therapy-room/platform';
import {
  aborted,
  checkAbort,
  connectionLost,
  installLifecycle,
  onCleanup,
  progress,
  shutdown,
} from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  writes: number;
  concurrency: number;
  pool: number;
  backlog: number;
  batches: number[];
  single: number;
  warmup: number;
  rounds: number;
  maxMinutes: number;
  verbose: boolean;
}

const USAGE = `Usage: npm run bench:outbox -- [options]

  --writes N        transactions per write-path variant (default 20000)
  --concurrency C   concurrent writers (default 16)
  --pool P          connection pool size of both write paths (default 10 = DATABASE_POOL_MAX default)
  --backlog N       events in the outbox backlog to drain (default 100000)
  --batch B[,B..]   batch sizes to drain with (OUTBOX_BATCH_SIZE; default 500,1000)
  --single N        events for the one-send-per-event comparison (default 5000; 0 skips it)
  --warmup N        warm-up transactions before each write-path variant (default 1000)
  --rounds R        rounds of (a) and (b); the median round is reported (default 3)
  --max-minutes M   abort after M minutes (default 15)
  --verbose         broker and database logs on stderr

Environment: DATABASE_ADMIN_URL (an existing PostgreSQL superuser URL) and KAFKA_BROKERS (existing
brokers) are used instead of starting local ones.
`;

function positiveInt(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`,
    );
  return n;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      writes: { type: 'string' },
      concurrency: { type: 'string' },
      pool: { type: 'string' },
      backlog: { type: 'string' },
      batch: { type: 'string' },
      single: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'max-minutes': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const batches = (values.batch ?? '500,1000').split(',').map((b) => positiveInt('batch', b.trim(), 500));
  return {
    writes: positiveInt('writes', values.writes, 20_000),
    concurrency: positiveInt('concurrency', values.concurrency, 16),
    pool: positiveInt('pool', values.pool, 10),
    backlog: positiveInt('backlog', values.backlog, 100_000),
    batches: [...new Set(batches)],
    single: positiveInt('single', values.single, 5_000, true),
    warmup: positiveInt('warmup', values.warmup, 1_000, true),
    rounds: positiveInt('rounds', values.rounds, 3),
    maxMinutes: positiveInt('max-minutes', values['max-minutes'], 15),
    verbose: values.verbose ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: everything started is stopped on exit, Ctrl-C, error or timeout.

// ---------------------------------------------------------------------------------------------
// Measurement helpers

interface Timing {
  label: string;
  count: number;
  seconds: number;
  latenciesMs?: Float64Array;
  extra?: Record<string, string>;
  /** pg_stat_activity samples of the write path: busy backends, and those waiting on the NOTIFY lock. */
  samples?: { active: number; notifyLock: number };
}

const perSecond = (t: Timing): number => t.count / t.seconds;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Runs `total` operations with `concurrency` workers pulling from one counter; latency per operation. */
async function runConcurrent(
  label: string,
  total: number,
  concurrency: number,
  op: () => Promise<void>,
): Promise<Timing> {
  const latenciesMs = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    for (;;) {
      checkAbort();
      const i = next++;
      if (i >= total) return;
      const t0 = performance.now();
      await op();
      latenciesMs[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  latenciesMs.sort();
  return { label, count: total, seconds, latenciesMs, extra: { cpu: cpuPerOp(cpu, total) } };
}

/** Node.js CPU time (user + system) per operation since `since`, in microseconds. */
function cpuPerOp(since: NodeJS.CpuUsage, ops: number): string {
  const used = process.cpuUsage(since);
  return fmt((used.user + used.system) / ops);
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const ratio = (a: number, b: number): string => `${fmt(a / b, 2)}×`;

// ---------------------------------------------------------------------------------------------
// Events: valid identity.user.registered.v1 envelopes, the same bytes for the relay and the raw producer.

const TOPIC = identityUserRegisteredV1.topic;

interface BenchEvent {
  id: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

function makeEnvelope(userId: string, tenantId: string, traceparent: string | null) {
  return {
    id: uuidv7(),
    type: TOPIC,
    occurredAt: new Date().toISOString(),
    tenantId,
    region: 'eea' as const,
    subjectId: userId,
    traceparent,
    payload: { userId, role: 'client' as const },
  };
}

function makeEvents(n: number): BenchEvent[] {
  const tenants = Array.from({ length: 8 }, () => randomUUID());
  const events: BenchEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const userId = randomUUID();
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const envelope = makeEnvelope(userId, tenants[i % tenants.length], traceparent);
    if (i < 500) identityUserRegisteredV1.message.parse(envelope); // the bodies are valid envelopes
    // The headers the relay derives from each row, so both sides put the same bytes on the wire.
    const headers = {
      'event-id': envelope.id,
      'event-type': envelope.type,
      'tenant-id': envelope.tenantId,
      traceparent,
    };
    events[i] = { id: envelope.id, key: userId, value: JSON.stringify(envelope), headers };
  }
  return events;
}

const toMessage = (e: BenchEvent): Message => ({ key: e.key, value: e.value, headers: e.headers });

// ---------------------------------------------------------------------------------------------
// Database

const SCHEMA = 'bench';

/** The domain table of the write path: one row per transaction, like the platform fixture's account. */
class BenchTables1763900000000 implements MigrationInterface {
  name = 'BenchTables1763900000000';
  async up(q: QueryRunner) {
    await q.query(
      `CREATE TABLE bench_account (id uuid CONSTRAINT bench_account_pkey PRIMARY KEY, tenant_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }
  async down(q: QueryRunner) {
    await q.query(`DROP TABLE bench_account`);
  }
}

interface Db {
  admin: Client;
  serviceUrl: string;
  dataSource: DataSource;
  versions: { server: string; settings: Record<string, string>; location: string };
}

async function setUpDatabase(pool: number): Promise<Db> {
  const { pg, database, provision } = await startBenchPostgres({ verbose });
  const external = pg.external;
  const serviceUrl = (await provision(SCHEMA)).DATABASE_URL;

  const admin = new Client({ connectionString: pg.adminUrl(database), application_name: 'bench-admin' });
  admin.on('error', connectionLost('admin connection'));
  await admin.connect();
  onCleanup('admin connection', () => admin.end());

  // The service's own DataSource, as DatabaseModule builds it (platform migrations first).
  const dbConfig = loadConfig(databaseConfigShape, {
    DATABASE_URL: serviceUrl,
    DATABASE_SCHEMA: SCHEMA,
    DATABASE_POOL_MAX: String(pool),
  });
  const dataSource = createDataSource(
    { ...dbConfig, SERVICE_NAME: 'bench' },
    { entities: [], migrations: [BenchTables1763900000000] },
  );
  await dataSource.initialize();
  onCleanup('TypeORM DataSource', () => dataSource.destroy());
  await dataSource.runMigrations({ transaction: 'each' });

  const server = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;
  const rows = (
    await admin.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers')`,
    )
  ).rows;
  const settings = Object.fromEntries(
    rows.map((r) => [
      r.name,
      r.name === 'shared_buffers' ? `${(Number(r.setting) * 8) / 1024} MB` : r.setting,
    ]),
  );
  const location = external
    ? 'external (DATABASE_ADMIN_URL)'
    : `embedded, data in ${os.tmpdir()} (${fsType(os.tmpdir())})`;
  return { admin, serviceUrl, dataSource, versions: { server, settings, location } };
}

function fsType(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && (dir === f[1] || dir.startsWith(f[1] === '/' ? '/' : `${f[1]}/`)))
      .sort((a, b) => b[1].length - a[1].length);
    return mounts[0] ? `${mounts[0][2]} on ${mounts[0][0]}` : 'unknown fs';
  } catch {
    return 'unknown fs';
  }
}

/** Same starting point for every variant: empty tables, dirty pages written out. */
async function resetTables(db: Db): Promise<void> {
  await db.admin.query(`TRUNCATE ${SCHEMA}.bench_account, ${SCHEMA}.outbox`);
  await checkpoint(db);
}

async function checkpoint(db: Db): Promise<void> {
  await db.admin.query('CHECKPOINT').catch(() => undefined); // needs superuser (or pg_checkpoint); optional
}

async function fillOutbox(db: Db, events: BenchEvent[]): Promise<number> {
  await db.admin.query(`TRUNCATE ${SCHEMA}.outbox`);
  const started = performance.now();
  for (let i = 0; i < events.length; i += 5_000) {
    checkAbort();
    const chunk = events.slice(i, i + 5_000);
    await db.admin.query(
      `INSERT INTO ${SCHEMA}.outbox (event_id, topic, message_key, message)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])`,
      [chunk.map((e) => e.id), chunk.map(() => TOPIC), chunk.map((e) => e.key), chunk.map((e) => e.value)],
    );
  }
  const seconds = (performance.now() - started) / 1000;
  // A settled backlog, as autovacuum would leave it; then the checkpoint is not inside the timing.
  await db.admin.query(`VACUUM (ANALYZE) ${SCHEMA}.outbox`);
  await checkpoint(db);
  return seconds;
}

async function walLsn(db: Db): Promise<string> {
  return (await db.admin.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
}

async function walBytesSince(db: Db, lsn: string): Promise<number> {
  return Number(
    (
      await db.admin.query<{ b: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint AS b', [
        lsn,
      ])
    ).rows[0].b,
  );
}

// ---------------------------------------------------------------------------------------------
// Kafka

interface Broker {
  brokers: string[];
  kafka: Kafka;
  admin: Admin;
  version: string;
}

async function setUpKafka(logger: Logger): Promise<Broker> {
  const { brokers, version } = await startBenchKafka({ verbose });
  const kafka = createKafka({ clientId: 'bench', brokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  onCleanup('Kafka admin', () => admin.disconnect());
  const broker = { brokers, kafka, admin, version };
  await warmUpKafka(broker, brokers);
  return broker;
}

/**
 * A fresh broker answers the first InitProducerId with "coordinator loading" (retried), and the JIT has
 * not seen kafkajs' encoders yet: send some throw-away batches first so neither lands in a timing.
 */
async function warmUpKafka(broker: Broker, brokers: string[]): Promise<void> {
  const quiet = createKafka({
    clientId: 'bench-warm-up',
    brokers,
    logger: createLogger({ service: 'bench', level: 'silent' }),
  });
  const topic = `bench-warm-up-${randomBytes(3).toString('hex')}`;
  await createTopic(broker, topic);
  const producer = quiet.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const messages = makeEvents(10_000).map(toMessage);
    for (let i = 0; i < messages.length; i += 500) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + 500) }],
      });
    }
  } finally {
    await producer.disconnect();
  }
}

const PARTITIONS = 3; // provisionTopics' default

async function createTopic(broker: Broker, topic: string): Promise<void> {
  await broker.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS }] });
  onCleanup(`topic ${topic}`, () => broker.admin.deleteTopics({ topics: [topic] }));
}

async function endOffsetSum(broker: Broker, topic: string): Promise<number> {
  const offsets = await broker.admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}

/** The producer the platform's KafkaProducer creates: idempotent, one request in flight. */
async function rawProducer(broker: Broker): Promise<Producer> {
  const producer = broker.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

// ---------------------------------------------------------------------------------------------
// (a) Write path

type WriteKey = 'raw' | 'outbox' | 'rawNotify';
const WRITE_LABELS: Record<WriteKey, string> = {
  raw: 'raw `pg`: BEGIN; 2 INSERTs; COMMIT',
  outbox: 'TypeORM transaction + `OutboxService.add`',
  rawNotify: 'raw `pg` + `SELECT pg_notify` (diagnostic)',
};
type WriteResults = Record<WriteKey, Timing[]>;

/**
 * Samples what the bench database's busy backends wait on. `Lock:object` is the database-wide lock a
 * transaction that issued NOTIFY holds from pre-commit until after its commit record is flushed.
 */
function sampleWaits(db: Db): { stop(): Promise<{ active: number; notifyLock: number }> } {
  let running = true;
  let active = 0;
  let notifyLock = 0;
  const loop = (async () => {
    while (running) {
      const { rows } = await db.admin.query<{ wait: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
          GROUP BY 1`,
      );
      for (const r of rows) {
        active += r.n;
        if (r.wait === 'Lock:object') notifyLock += r.n;
      }
      await delay(10);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { active, notifyLock };
    },
  };
}

async function benchWrites(
  db: Db,
  config: BaseConfig & DatabaseConfig,
  opts: Options,
): Promise<WriteResults> {
  const outbox = new OutboxService(db.dataSource, config);
  const channel = outboxChannel(SCHEMA);
  const pool = new Pool({
    connectionString: db.serviceUrl,
    max: opts.pool,
    application_name: 'bench-raw',
    options: `-c search_path=${SCHEMA}`,
  });
  // 'error' on the pool covers idle clients only; a checked-out client between two queries emits on itself.
  pool.on('error', connectionLost('raw pg pool'));
  pool.on('connect', (client) => client.on('error', connectionLost('raw pg connection')));
  onCleanup('raw pg pool', () => pool.end());
  const tenantId = randomUUID();

  const viaOutbox = async () => {
    const userId = randomUUID();
    await db.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO bench_account (id, tenant_id) VALUES ($1, $2)`, [userId, tenantId]);
      await outbox.add(
        manager,
        identityUserRegisteredV1,
        { userId, role: 'client' },
        { tenantId, subjectId: userId },
      );
    });
  };
  // The same rows as OutboxService.add writes (envelope built the same way, minus the zod parse).
  const raw = (notify: boolean) => async () => {
    const userId = randomUUID();
    const message = makeEnvelope(userId, tenantId, null);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO bench_account (id, tenant_id) VALUES ($1, $2)`, [userId, tenantId]);
      await client.query(
        `INSERT INTO outbox (event_id, topic, message_key, message, headers) VALUES ($1, $2, $3, $4, $5)`,
        [message.id, TOPIC, userId, JSON.stringify(message), {}],
      );
      if (notify) await client.query(`SELECT pg_notify($1, '')`, [channel]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  const ops: Record<WriteKey, () => Promise<void>> = {
    raw: raw(false),
    outbox: viaOutbox,
    rawNotify: raw(true),
  };
  const order: WriteKey[] = ['raw', 'outbox', 'rawNotify'];

  for (const key of order) {
    await resetTables(db);
    if (opts.warmup > 0) await runConcurrent(WRITE_LABELS[key], opts.warmup, opts.concurrency, ops[key]);
  }
  const results: WriteResults = { raw: [], outbox: [], rawNotify: [] };
  for (let round = 0; round < opts.rounds; round++) {
    // Rotated every round so no variant always runs first or last.
    for (const key of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
      await resetTables(db);
      progress(
        `(a) round ${round + 1}/${opts.rounds}, ${WRITE_LABELS[key]}: ${fmt(opts.writes)} transactions at concurrency ${opts.concurrency}`,
      );
      const lsn = await walLsn(db);
      const waits = sampleWaits(db);
      const timing = await runConcurrent(WRITE_LABELS[key], opts.writes, opts.concurrency, ops[key]);
      const { active, notifyLock } = await waits.stop();
      const wal = await walBytesSince(db, lsn);
      const rows = (await db.admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`))
        .rows[0].n;
      if (rows !== opts.writes)
        throw new Error(`${WRITE_LABELS[key]}: expected ${opts.writes} outbox rows, found ${rows}`);
      timing.extra = { ...timing.extra, wal: fmt(wal / opts.writes) };
      timing.samples = { active, notifyLock };
      progress(`    ${fmt(perSecond(timing))} tx/s, p50 ${fmt(percentile(timing.latenciesMs!, 0.5), 2)} ms`);
      results[key].push(timing);
    }
  }
  await resetTables(db);
  return results;
}

// ---------------------------------------------------------------------------------------------
// (b) and (c) Draining to Kafka

/** A KafkaProducer that also records every sendBatch, to split the relay's time into Kafka and the rest. */
class TimedKafkaProducer extends KafkaProducer {
  /** [start, end] of every sendBatch. */
  readonly sends: [number, number][] = [];
  private patched = new WeakSet<Producer>();
  override async get(): Promise<Producer> {
    const producer = await super.get();
    if (!this.patched.has(producer)) {
      this.patched.add(producer);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = async (batch) => {
        const t0 = performance.now();
        try {
          return await sendBatch(batch);
        } finally {
          this.sends.push([t0, performance.now()]);
        }
      };
    }
    return producer;
  }
}

interface DrainContext {
  db: Db;
  broker: Broker;
  logger: Logger;
  runId: string;
  configFor: (batch: number, prefix: string) => BaseConfig & DatabaseConfig;
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The real relay, started as Nest starts it, until the outbox is empty and the topic holds every event. */
async function drainWithRelay(
  ctx: DrainContext,
  events: BenchEvent[],
  batch: number,
  label: string,
  step: string,
  id: string,
): Promise<Timing> {
  const prefix = `${ctx.runId}.relay-${id}.`;
  const topic = prefixed(prefix, TOPIC);
  await createTopic(ctx.broker, topic);
  progress(`${step}: filling the outbox with ${fmt(events.length)} events (relay stopped)`);
  const fillSeconds = await fillOutbox(ctx.db, events);
  const config = ctx.configFor(batch, prefix);
  const producer = new TimedKafkaProducer(ctx.broker.kafka);
  onCleanup('relay producer', () => producer.onApplicationShutdown());
  await producer.get(); // connected before the clock starts, like the raw producer
  const relay = new OutboxRelay(
    ctx.db.dataSource,
    new OutboxService(ctx.db.dataSource, config),
    producer,
    config,
    ctx.logger,
  );
  onCleanup('relay', () => relay.beforeApplicationShutdown());
  progress(`${step}: ${label}, draining ${fmt(events.length)} events, OUTBOX_BATCH_SIZE=${batch}`);
  const lsn = await walLsn(ctx.db);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await relay.onApplicationBootstrap();
  let lastProgress = { at: performance.now(), published: 0 };
  for (;;) {
    checkAbort();
    if (relay.stats.parked > 0 || relay.stats.failedAttempts > 0)
      throw new Error(`relay failed: ${JSON.stringify(relay.stats)}`);
    if (relay.stats.published !== lastProgress.published)
      lastProgress = { at: performance.now(), published: relay.stats.published };
    else if (performance.now() - lastProgress.at > 60_000)
      throw new Error(`relay made no progress for 60 s (${relay.stats.published} published)`);
    if (relay.stats.published >= events.length) {
      // stats count before COMMIT: done means the table is empty for everyone and Kafka has every message.
      const left = (
        await ctx.db.admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`)
      ).rows[0].n;
      if (left === 0 && (await endOffsetSum(ctx.broker, topic)) >= events.length) break;
      await delay(2);
    } else {
      await delay(20);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuPerOp(cpu, events.length);
  const wal = await walBytesSince(ctx.db, lsn);
  await relay.beforeApplicationShutdown();
  await producer.onApplicationShutdown();
  const offsets = await endOffsetSum(ctx.broker, topic);
  if (offsets !== events.length)
    throw new Error(`${topic}: expected ${events.length} messages, end offsets sum to ${offsets}`);
  const sendMs = producer.sends.map(([a, b]) => b - a);
  // Between two sends the relay commits the previous batch and claims the next one (DELETE, COMMIT, BEGIN, SELECT, JSON.parse).
  const gaps = producer.sends.slice(1).map(([start], i) => start - producer.sends[i][1]);
  const sendShare = (100 * avg(sendMs) * sendMs.length) / 1000 / seconds;
  progress(
    `    ${fmt(events.length / seconds)} events/s; per batch: sendBatch ${fmt(avg(sendMs), 2)} ms, between sends ${fmt(avg(gaps), 2)} ms`,
  );
  return {
    label,
    count: events.length,
    seconds,
    extra: {
      send: `${fmt(sendShare)} %`,
      sendMs: fmt(avg(sendMs), 1),
      gapMs: fmt(avg(gaps), 1),
      cpu: cpuUs,
      wal: fmt(wal / events.length),
      fill: `${fmt(fillSeconds, 1)} s`,
    },
  };
}

/** The same messages, straight from memory, in batches of `batch`, one request awaited at a time. */
async function drainRaw(
  ctx: DrainContext,
  events: BenchEvent[],
  batch: number,
  label: string,
  step: string,
  id: string,
): Promise<Timing> {
  const topic = `${ctx.runId}.raw-${id}.${TOPIC}`;
  await createTopic(ctx.broker, topic);
  const messages = events.map(toMessage);
  const producer = await rawProducer(ctx.broker);
  onCleanup('raw producer', () => producer.disconnect());
  progress(`${step}: ${label}, ${fmt(events.length)} events, batch ${batch}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < messages.length; i += batch) {
    checkAbort();
    if (batch === 1) await producer.send({ topic, acks: -1, messages: [messages[i]] });
    else
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + batch) }],
      });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuPerOp(cpu, events.length);
  await producer.disconnect();
  const offsets = await endOffsetSum(ctx.broker, topic);
  if (offsets !== events.length)
    throw new Error(`${topic}: expected ${events.length} messages, end offsets sum to ${offsets}`);
  progress(`    ${fmt(events.length / seconds)} events/s`);
  return {
    label,
    count: events.length,
    seconds,
    extra: {
      send: '100 %',
      sendMs: fmt((1000 * seconds) / Math.ceil(events.length / batch), 1),
      gapMs: '–',
      cpu: cpuUs,
      wal: '–',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    model,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** The round with the median throughput (lower middle for an even count). */
function median(timings: Timing[]): Timing {
  const sorted = [...timings].sort((a, b) => perSecond(a) - perSecond(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function range(timings: Timing[]): string {
  const rates = timings.map(perSecond);
  return timings.length > 1 ? `${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}` : fmt(rates[0]);
}

/** Latencies of every round together. */
function pooled(timings: Timing[]): Float64Array {
  const all = new Float64Array(timings.reduce((n, t) => n + (t.latenciesMs?.length ?? 0), 0));
  let at = 0;
  for (const t of timings) {
    all.set(t.latenciesMs ?? [], at);
    at += t.latenciesMs?.length ?? 0;
  }
  return all.sort();
}

interface Report {
  startedAt: Date;
  opts: Options;
  db: Db['versions'];
  kafka: string;
  eventBytes: number;
  writes: WriteResults;
  drains: { batch: number; raw: Timing[]; relay: Timing[] }[];
  single?: { raw: Timing; relay: Timing };
  totalSeconds: number;
}

function renderReport(r: Report): string {
  const m = machine();
  const s = r.db.settings;
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const rounds = r.opts.rounds;
  lines.push(`# Outbox benchmark, ${r.startedAt.toISOString()}`, '');
  lines.push('## Machine and software', '');
  row('', '');
  row('---', '---');
  row('CPU', `${m.cpus} × ${m.model}`);
  row('Memory', `${fmt(m.memoryGiB, 1)} GiB`);
  row('OS', m.kernel);
  row('Node.js', m.node);
  row(
    'PostgreSQL',
    `${r.db.server}, ${r.db.location}; durable (\`fast: false\`): fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, full_page_writes=${s.full_page_writes}, wal_sync_method=${s.wal_sync_method}, shared_buffers=${s.shared_buffers}`,
  );
  row(
    'Kafka',
    `${r.kafka}; topics of ${PARTITIONS} partitions, RF 1; kafkajs idempotent producer, acks=-1, 1 request in flight`,
  );
  row(
    'Parameters',
    `--writes ${r.opts.writes} --concurrency ${r.opts.concurrency} --pool ${r.opts.pool} --backlog ${r.opts.backlog} --batch ${r.opts.batches.join(',')} --single ${r.opts.single} --rounds ${rounds} (warm-up ${r.opts.warmup}); event body ≈ ${fmt(r.eventBytes)} bytes`,
  );
  lines.push('');
  const medianNote = rounds > 1 ? ` Throughput is the median of ${rounds} rounds (range in brackets).` : '';

  const w = r.writes;
  const lat = (k: WriteKey, p: number) => percentile(pooled(w[k]), p);
  const rate = (k: WriteKey) => perSecond(median(w[k]));
  lines.push(`## (a) Write path: one domain row + one outbox row per transaction`, '');
  lines.push(
    `${fmt(r.opts.writes)} transactions per variant and round, ${r.opts.concurrency} concurrent writers, pool of ${r.opts.pool} connections each, relay not running.${medianNote}${rounds > 1 ? ' Latency percentiles pool all rounds.' : ''}`,
    '',
  );
  row(
    'variant',
    'tx/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'Node CPU µs/tx',
    'WAL bytes/tx',
    'busy backends waiting on the NOTIFY lock',
  );
  row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
  for (const k of ['raw', 'outbox', 'rawNotify'] as WriteKey[]) {
    const med = median(w[k]);
    const active = w[k].reduce((n, t) => n + (t.samples?.active ?? 0), 0);
    const locked = w[k].reduce((n, t) => n + (t.samples?.notifyLock ?? 0), 0);
    row(
      WRITE_LABELS[k],
      `${fmt(rate(k))}${rounds > 1 ? ` (${range(w[k])})` : ''}`,
      fmt(lat(k, 0.5), 2),
      fmt(lat(k, 0.95), 2),
      fmt(lat(k, 0.99), 2),
      med.extra?.cpu ?? '',
      med.extra?.wal ?? '',
      active ? `${fmt((100 * locked) / active)} %` : 'n/a',
    );
  }
  lines.push('');
  row('ratio', 'throughput', 'p50', 'p95', 'p99');
  row('---', '---:', '---:', '---:', '---:');
  const ratioRow = (name: string, a: WriteKey, b: WriteKey) =>
    row(
      name,
      ratio(rate(a), rate(b)),
      ratio(lat(a, 0.5), lat(b, 0.5)),
      ratio(lat(a, 0.95), lat(b, 0.95)),
      ratio(lat(a, 0.99), lat(b, 0.99)),
    );
  ratioRow('**outbox / raw**', 'outbox', 'raw');
  ratioRow('raw + pg_notify / raw', 'rawNotify', 'raw');
  ratioRow('outbox / (raw + pg_notify)', 'outbox', 'rawNotify');
  lines.push('');

  lines.push(`## (b) Draining a backlog of ${fmt(r.opts.backlog)} events to Kafka`, '');
  lines.push(
    `Relay: the outbox is filled with the relay stopped, then \`OutboxRelay\` is started; timed until the table is empty and the topic's end offsets sum to the backlog. Raw: the same messages from memory, one \`sendBatch\` awaited at a time.${medianNote}`,
    '',
  );
  row(
    'path',
    'batch',
    'events/s',
    'seconds',
    'time in sendBatch',
    'sendBatch ms/batch',
    'between sends ms/batch',
    'Node CPU µs/event',
    'WAL bytes/event',
  );
  row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:');
  for (const d of r.drains) {
    for (const ts of [d.raw, d.relay]) {
      const t = median(ts);
      const x = t.extra ?? {};
      row(
        t.label,
        String(d.batch),
        `${fmt(perSecond(t))}${rounds > 1 ? ` (${range(ts)})` : ''}`,
        fmt(t.seconds, 2),
        x.send ?? '',
        x.sendMs ?? '',
        x.gapMs ?? '',
        x.cpu ?? '',
        x.wal ?? '',
      );
    }
  }
  lines.push('');
  row('ratio', 'batch', 'throughput');
  row('---', '---:', '---:');
  for (const d of r.drains)
    row(
      '**OutboxRelay / raw kafkajs**',
      String(d.batch),
      `**${ratio(perSecond(median(d.relay)), perSecond(median(d.raw)))}**`,
    );
  lines.push('');

  if (r.single) {
    const best = r.drains.reduce((a, b) => (perSecond(median(b.raw)) > perSecond(median(a.raw)) ? b : a));
    const bestRate = perSecond(median(best.raw));
    lines.push(`## (c) One awaited send per event (${fmt(r.opts.single)} events, one round)`, '');
    row(
      'path',
      'events/s',
      'seconds',
      'Node CPU µs/event',
      `vs. raw batched (batch ${best.batch}, ${fmt(bestRate)} events/s)`,
    );
    row('---', '---:', '---:', '---:', '---:');
    for (const t of [r.single.raw, r.single.relay])
      row(t.label, fmt(perSecond(t)), fmt(t.seconds, 2), t.extra?.cpu ?? '', ratio(perSecond(t), bestRate));
    lines.push('');
  }
  lines.push(
    `Total run time ${fmt(r.totalSeconds)} s. Ratios come from this run only: compare ratios across machines, not absolute figures.`,
    '',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

let verbose = false;

async function main(): Promise<void> {
  let opts: Options | undefined;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(64);
  }
  if (!opts) {
    process.stdout.write(USAGE);
    return;
  }
  verbose = opts.verbose;
  const startedAt = new Date();
  const t0 = performance.now();
  const timer = installLifecycle(opts.maxMinutes);
  const logger = createLogger({
    service: 'bench',
    level: verbose ? 'info' : 'error',
    destination: pino.destination(2),
  });

  try {
    const db = await setUpDatabase(opts.pool);
    checkAbort();
    const broker = await setUpKafka(logger);
    checkAbort();
    const runId = `bench-${randomBytes(3).toString('hex')}`;
    const configFor = (batch: number, prefix: string) =>
      loadConfig(
        { ...baseConfigShape, ...databaseConfigShape },
        {
          SERVICE_NAME: 'bench',
          REGION: 'eea',
          PORT: '0',
          LOG_LEVEL: 'warn',
          KAFKA_BROKERS: broker.brokers.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          DATABASE_URL: db.serviceUrl,
          DATABASE_SCHEMA: SCHEMA,
          DATABASE_POOL_MAX: String(opts.pool),
          OUTBOX_BATCH_SIZE: String(batch),
        },
      ) as BaseConfig & DatabaseConfig;

    const writes = await benchWrites(db, configFor(500, `${runId}.`), opts);

    progress(`generating ${fmt(opts.backlog)} events`);
    const events = makeEvents(Math.max(opts.backlog, opts.single));
    const backlog = events.slice(0, opts.backlog);
    const eventBytes = backlog.reduce((sum, e) => sum + Buffer.byteLength(e.value), 0) / backlog.length;
    const ctx: DrainContext = { db, broker, logger, runId, configFor };
    const drains: Report['drains'] = opts.batches.map((batch) => ({ batch, raw: [], relay: [] }));
    for (let round = 0; round < opts.rounds; round++) {
      for (const d of drains) {
        const id = `b${d.batch}-r${round + 1}`;
        const step = `(b) round ${round + 1}/${opts.rounds}`;
        const raw = () =>
          drainRaw(ctx, backlog, d.batch, 'raw kafkajs `sendBatch`', step, id).then((t) => d.raw.push(t));
        const relay = () =>
          drainWithRelay(ctx, backlog, d.batch, '`OutboxRelay`', step, id).then((t) => d.relay.push(t));
        // Alternated every round so neither side always runs on a cooler or warmer machine.
        if (round % 2 === 0) await raw().then(relay);
        else await relay().then(raw);
      }
    }
    let single: Report['single'];
    if (opts.single > 0) {
      const few = events.slice(0, opts.single);
      const raw = await drainRaw(ctx, few, 1, 'raw kafkajs, one awaited `send` per event', '(c)', 'single');
      const relay = await drainWithRelay(
        ctx,
        few,
        1,
        '`OutboxRelay` with OUTBOX_BATCH_SIZE=1',
        '(c)',
        'single',
      );
      single = { raw, relay };
    }

    const report = renderReport({
      startedAt,
      opts,
      db: db.versions,
      kafka: broker.version,
      eventBytes,
      writes,
      drains,
      single,
      totalSeconds: (performance.now() - t0) / 1000,
    });
    const dir = path.join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `outbox-${startedAt.toISOString().replace(/[:.]/g, '-')}.md`);
    writeFileSync(file, report);
    process.stdout.write(`\n${report}\n`);
    process.stdout.write(`Results written to ${path.relative(process.cwd(), file)}\n`);
  } finally {
    clearTimeout(timer);
    progress('stopping everything this benchmark started');
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    process.stderr.write(
      `${aborted() ?? 'benchmark failed'}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await shutdown();
    process.exit(1);
  },
);
