/**
 * Messaging benchmark (a tool, never a test: CI does not run it).
 *
 *   npm run bench:messaging -- --senders 50 --seconds 20
 *
 * Starts its own PostgreSQL (embedded, durable: fsync and synchronous_commit on) and Kafka broker (or
 * uses DATABASE_ADMIN_URL / KAFKA_BROKERS), then identity, messaging and the gateway as real processes
 * on 127.0.0.1, exactly as `npm start` runs them, and measures in one run:
 *  (a) end to end through the gateway: N professionals each send messages in a closed loop (POST
 *      /api/messaging/conversations/:id/messages with a session cookie) to their own client, whose
 *      browser tab holds GET /api/messaging/stream open through the gateway; messages per second, and
 *      latency from the start of the POST to the `message` event arriving in the recipient's stream;
 *  (d) right after (a), an open loop at half of (a)'s rate: messages sent on a fixed schedule (round
 *      robin over the N senders) whatever the answers, latency from each message's scheduled send time
 *      to its arrival in the recipient's stream (queueing included: no coordinated omission);
 *  (b) a raw kafkajs idempotent producer, N concurrent awaited sends of one message (acks=all);
 *  (c) a raw single-row PostgreSQL INSERT (autocommit), N concurrent, through a pool of 10.
 * Prints a markdown report and writes it to tools/bench/results/. See tools/bench/README.md.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import argon2 from 'argon2';
import { Client, Pool } from 'pg';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import {
  caseloadAssignmentGrantedV1,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  type EventContract,
  type PayloadOf,
} from '@therapy-room/contracts';
import { generateSigningKey } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { runIdentityCli, startServiceProcess } from '@therapy-room/tools-dev';
import { benchCli } from './common/cli';
import { cpuSeconds, openLoop, percentile } from './common/load';
import { runBenchmark, writeReport } from './common/report';
import { installLifecycle, onCleanup, progress } from './common/lifecycle';
import { startBenchKafka, startBenchPostgres } from './common/infrastructure';

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: npm run bench:messaging -- [options]

  --senders N       concurrent senders (professionals), each writing to their own client (default 50)
  --seconds S       measured seconds of each part (default 20)
  --warmup S        warm-up seconds of the end-to-end part (default 5)
  --open-seconds S  seconds of the open loop at half of the measured rate (default 20)
  --p99-target MS   the open loop's p99 target (default 250)
  --max-minutes M   abort (and clean up) after M minutes (default 10)
  --verbose         service logs on stderr
`;

const cli = benchCli(USAGE, {
  numbers: ['senders', 'seconds', 'warmup', 'open-seconds', 'p99-target', 'max-minutes'],
  flags: ['verbose'],
});
const opts = {
  senders: cli.int('senders', 50, 1, 500),
  seconds: cli.int('seconds', 20, 1, 600),
  warmup: cli.int('warmup', 5, 0, 120),
  openSeconds: cli.int('open-seconds', 20, 1, 600),
  p99Target: cli.int('p99-target', 250, 1, 60_000),
  maxMinutes: cli.int('max-minutes', 10, 1, 120),
  verbose: cli.flag('verbose'),
};

// Cleanup: everything started is stopped in reverse order, on success, error, Ctrl-C or timeout.
const deadline = installLifecycle(opts.maxMinutes);
deadline.unref();

// ---------------------------------------------------------------------------------------------
// Statistics and machine figures

interface Summary {
  count: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
function summarise(latencies: number[], seconds: number): Summary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

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

/** Busy and total jiffies of the whole machine (Linux). */
function machineTicks(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
/** PIDs of processes whose command line mentions the text (the embedded PostgreSQL, the Kafka JVM). */
function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
      } catch {
        // gone
      }
    }
  } catch {
    // not Linux
  }
  return pids;
}

// ---------------------------------------------------------------------------------------------
// Infrastructure

async function main() {
  const startedAt = new Date();
  const [postgres, kafkaInfo] = await Promise.all([
    startBenchPostgres({ verbose: opts.verbose }),
    startBenchKafka({ verbose: opts.verbose }),
  ]);
  const { pg, database } = postgres;
  const pgDir = postgres.dataDir;
  const kafkaDir = kafkaInfo.dataDir;
  const external = { pg: pg.external, kafka: !kafkaDir };
  const { brokers, version: kafkaVersion } = kafkaInfo;
  const suffix = database.slice('bench_'.length);
  const databaseEnv = async (schema: string) => {
    const { DATABASE_URL, DATABASE_SCHEMA } = await postgres.provision(schema);
    return { DATABASE_URL, DATABASE_SCHEMA };
  };
  const admin = new Client({ connectionString: pg.adminUrl(database) });
  await admin.connect();
  onCleanup('admin connection', () => admin.end());
  const pgVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
    .server_version;

  // ---- services ---------------------------------------------------------------------------
  const prefix = `bench-${suffix}.`;
  const signingKey = generateSigningKey(`bench-${suffix}`);
  const common = {
    REGION: 'eea',
    HOST: '127.0.0.1',
    LOG_LEVEL: opts.verbose ? 'info' : 'warn',
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
  };
  const onLine = opts.verbose ? (name: string) => (l: string) => progress(`${name}: ${l}`) : () => undefined;
  const start = async (name: string, env: Record<string, string>) => {
    const service = await startServiceProcess(name, env, { readyTimeoutMs: 150_000, onLine: onLine(name) });
    onCleanup(name, () => service.stop());
    return service;
  };
  progress('starting identity, messaging and the gateway');
  const identityEnv = {
    ...common,
    SERVICE_NAME: 'identity',
    PORT: String(await freePort()),
    ...(await databaseEnv('identity')),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const identity = await start('identity', identityEnv);
  const messaging = await start('messaging', {
    ...common,
    SERVICE_NAME: 'messaging',
    PORT: String(await freePort()),
    ...(await databaseEnv('messaging')),
    ...(await postgres.provisionKeys('messaging')),
    DATA_MASTER_KEYS: JSON.stringify({ bench: randomBytes(32).toString('base64') }),
    DATA_MASTER_KEY_ID: 'bench',
  });
  const NOT_STARTED = 'http://127.0.0.1:9';
  const gateway = await start('gateway', {
    ...common,
    SERVICE_NAME: 'gateway',
    PORT: String(await freePort()),
    IDENTITY_URL: identity.url,
    CASELOAD_URL: NOT_STARTED,
    CONTENT_URL: NOT_STARTED,
    MESSAGING_URL: messaging.url,
    AUDIT_URL: NOT_STARTED,
    RETENTION_URL: NOT_STARTED,
    INTERNAL_TOKEN_KID: signingKey.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: signingKey.privateKeyPem,
  });

  // ---- accounts: an organisation, N professionals and N clients, logged in through the gateway ---
  const password = 'Bench-Passphrase-2026!';
  const created = await runIdentityCli(
    [
      'create-tenant',
      '--slug',
      `bench-${suffix}`,
      '--name',
      'Bench',
      '--region',
      'eea',
      '--seats',
      String(opts.senders + 1),
      '--admin-email',
      `admin@bench-${suffix}.example`,
      '--admin-name',
      'Admin',
    ],
    { ...identityEnv, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: password },
  );
  if (created.code !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
  const tenantId = (JSON.parse(created.stdout) as { tenantId: string }).tenantId;
  const hash = await argon2.hash(password, { type: argon2.argon2id });
  const pairs = Array.from({ length: opts.senders }, (_, i) => ({
    pro: { id: randomUUID(), email: `pro-${i}@bench.example`, cookie: '' },
    client: { id: randomUUID(), email: `client-${i}@bench.example`, cookie: '' },
    conversationId: '',
  }));
  for (const p of pairs) {
    for (const [who, role] of [
      [p.pro, 'professional'],
      [p.client, 'client'],
    ] as const) {
      await admin.query(
        `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
         VALUES ($1, $2, $3, $4, $5, 'active', $6)`,
        [who.id, tenantId, who.email, `Bench ${role}`, role, hash],
      );
    }
  }
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  await producer.connect();
  onCleanup('Kafka producer', () => producer.disconnect());
  const publish = async <C extends EventContract>(contract: C, payload: PayloadOf<C>, subjectId: string) => {
    const message = contract.message.parse({
      id: uuidv7(),
      type: contract.topic,
      occurredAt: new Date().toISOString(),
      tenantId,
      region: 'eea',
      subjectId,
      traceparent: null,
      payload,
    });
    await producer.send({
      topic: `${prefix}${contract.topic}`,
      acks: -1,
      messages: [{ key: subjectId, value: JSON.stringify(message) }],
    });
  };
  progress(
    `announcing ${pairs.length * 2} accounts and ${pairs.length} caseload grants as identity and caseload would`,
  );
  for (const p of pairs) {
    for (const [who, role] of [
      [p.pro, 'professional'],
      [p.client, 'client'],
    ] as const) {
      await publish(identityUserRegisteredV1, { userId: who.id, role }, who.id);
      await publish(identityUserProfileChangedV1, { userId: who.id, displayName: `Bench ${role}` }, who.id);
    }
    await publish(
      caseloadAssignmentGrantedV1,
      {
        grantId: randomUUID(),
        kind: 'assignment',
        professionalId: p.pro.id,
        clientId: p.client.id,
        validFrom: null,
        validUntil: null,
      },
      p.client.id,
    );
  }
  for (let i = 0; ; i++) {
    const [{ people }] = (
      await admin.query(`SELECT count(*)::int AS people FROM messaging.person WHERE role IS NOT NULL`)
    ).rows;
    const [{ grants }] = (
      await admin.query(`SELECT count(*)::int AS grants FROM messaging.caseload_access_grant`)
    ).rows;
    if (people >= pairs.length * 2 && grants >= pairs.length) break;
    if (i > 600) throw new Error('messaging did not take in the accounts and grants within 60 s');
    await delay(100);
  }
  progress('logging in every account through the gateway');
  // Set-up, not measured: a login the gateway gave up on (503, identity busy hashing on a loaded
  // machine) is tried again, a few times.
  const login = async (email: string) => {
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      res = await fetch(`${gateway.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ organisation: `bench-${suffix}`, email, password }),
      });
      if (res.status !== 503 || attempt === 5) break;
      await res.arrayBuffer();
      await delay(1000 * attempt);
    }
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tr_session='));
    if (res.status !== 200 || !cookie) throw new Error(`login of ${email} answered ${res.status}`);
    return cookie.split(';')[0];
  };
  for (let i = 0; i < pairs.length; i += 4) {
    await Promise.all(
      pairs
        .slice(i, i + 4)
        .flatMap((p) => [
          login(p.pro.email).then((c) => (p.pro.cookie = c)),
          login(p.client.email).then((c) => (p.client.cookie = c)),
        ]),
    );
  }
  for (const p of pairs) {
    const res = await fetch(`${gateway.url}/api/messaging/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: p.pro.cookie },
      body: JSON.stringify({ clientId: p.client.id }),
    });
    if (res.status !== 201)
      throw new Error(`starting a conversation answered ${res.status}: ${await res.text()}`);
    p.conversationId = ((await res.json()) as { id: string }).id;
  }

  // ---- the recipients' open tabs --------------------------------------------------------------
  const arrivals = new Map<string, number>();
  const streamAborts: AbortController[] = [];
  onCleanup('event streams', async () => streamAborts.forEach((a) => a.abort()));
  let ready = 0;
  const openTab = async (cookie: string) => {
    const abort = new AbortController();
    streamAborts.push(abort);
    const res = await fetch(`${gateway.url}/api/messaging/stream`, {
      headers: { cookie, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const now = performance.now();
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith('event: ready')) ready++;
            if (!frame.startsWith('event: message')) continue;
            const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { messageId: string };
            arrivals.set(data.messageId, now);
          }
        }
      } catch {
        // aborted at cleanup
      }
    })();
  };
  progress(`opening ${pairs.length} event streams through the gateway`);
  for (const p of pairs) await openTab(p.client.cookie);
  while (ready < pairs.length) await delay(20);

  /** One POST; its message's send time (by default the POST's start) is what the stream latency counts from. */
  const send = async (
    p: (typeof pairs)[number],
    sent: Map<string, number>,
    postLatencies: number[],
    scheduledAt?: number,
  ) => {
    const t0 = performance.now();
    const res = await fetch(`${gateway.url}/api/messaging/conversations/${p.conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: p.pro.cookie },
      body: JSON.stringify({ id: randomUUID(), body: `Bench message ${t0.toFixed(3)}: how are you today?` }),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`send answered ${res.status}: ${text}`);
    postLatencies.push(performance.now() - t0);
    sent.set((JSON.parse(text) as { id: string }).id, scheduledAt ?? t0);
  };

  // The broadcast consumer of each messaging replica starts at the latest offset once joined.
  progress('waiting until messaging delivers live (its broadcast consumer has joined)');
  for (let i = 0; ; i++) {
    const probe = new Map<string, number>();
    await send(pairs[0], probe, []);
    await delay(1000);
    if ([...probe.keys()].some((id) => arrivals.has(id))) break;
    if (i > 60) throw new Error('no message reached a stream within 60 s');
  }

  /** Waits at most 10 s more for the stragglers; the latency of each message that arrived. */
  const delivered = async (sent: Map<string, number>) => {
    const waitUntil = performance.now() + 10_000;
    while ([...sent.keys()].some((id) => !arrivals.has(id)) && performance.now() < waitUntil) await delay(50);
    const e2e = [...sent].filter(([id]) => arrivals.has(id)).map(([id, at]) => arrivals.get(id)! - at);
    return { e2e, lost: sent.size - e2e.length };
  };
  const closedLoop = async (seconds: number) => {
    const sent = new Map<string, number>();
    const postLatencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      pairs.map(async (p) => {
        while (performance.now() < until) await send(p, sent, postLatencies);
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    return { elapsed, sent: sent.size, postLatencies, ...(await delivered(sent)) };
  };
  if (opts.warmup) {
    progress(`warm-up: ${opts.warmup} s with ${pairs.length} senders`);
    await closedLoop(opts.warmup);
  }
  // The postmaster names its data folder; backends name their database (bench_<suffix>).
  // PostgreSQL's CPU so far: the postmaster's own and its exited backends' (reaped), and the live
  // backends' of the bench database (a backend that exits during a part moves into the reaped figure).
  const pgCpuNow = () => {
    if (!pgDir) return NaN;
    const postmasters = pidsMentioning(pgDir);
    const backends = pidsMentioning(database).filter((pid) => !postmasters.includes(pid));
    return (
      postmasters.reduce((s, pid) => s + (cpuSeconds(pid, { reaped: true }) || 0), 0) +
      backends.reduce((s, pid) => s + (cpuSeconds(pid) || 0), 0)
    );
  };
  const kafkaPids = kafkaDir ? pidsMentioning(kafkaDir) : [];
  const watched = {
    gateway: gateway.process.pid,
    identity: identity.process.pid,
    messaging: messaging.process.pid,
    'bench (clients)': process.pid,
  } as Record<string, number | undefined>;
  /**
   * Runs a part while watching it: the CPU seconds each process used (/proc), how busy the machine was,
   * and what the services' database connections were doing (pg_stat_activity, every 100 ms).
   */
  const observe = async <T>(part: () => Promise<T>) => {
    const waits = new Map<string, number>();
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      const watcher = new Client({ connectionString: pg.adminUrl(database) });
      await watcher.connect();
      try {
        while (sampling) {
          const rows = (
            await watcher.query<{ who: string; what: string }>(
              `SELECT regexp_replace(usename, '^bench_[0-9a-f]+_', '') AS who,
                      CASE WHEN state = 'active' THEN 'active: ' || COALESCE(wait_event_type || '/' || wait_event, 'on CPU')
                           ELSE COALESCE(state, 'unknown') END AS what
                 FROM pg_stat_activity WHERE datname = $1 AND usename LIKE 'bench_%' AND pid <> pg_backend_pid()`,
              [database],
            )
          ).rows;
          samples++;
          for (const r of rows) waits.set(`${r.who}: ${r.what}`, (waits.get(`${r.who}: ${r.what}`) ?? 0) + 1);
          await delay(100);
        }
      } finally {
        await watcher.end();
      }
    })();
    const cpuBefore = Object.fromEntries(Object.entries(watched).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const pgBefore = pgCpuNow();
    const kafkaBefore = kafkaPids.reduce((s, pid) => s + (cpuSeconds(pid) || 0), 0);
    const ticksBefore = machineTicks();
    const t0 = performance.now();
    const result = await part();
    const wall = (performance.now() - t0) / 1000;
    const ticksAfter = machineTicks();
    sampling = false;
    await sampler;
    // CPU seconds of each process during the part.
    const cpu = Object.fromEntries(
      Object.entries(watched).map(([k, pid]) => [k, cpuSeconds(pid) - cpuBefore[k]]),
    );
    cpu['PostgreSQL (postmaster + bench backends)'] = pgCpuNow() - pgBefore;
    cpu['Kafka broker (JVM)'] = kafkaPids.reduce((s, pid) => s + (cpuSeconds(pid) || 0), 0) - kafkaBefore;
    const machineBusy = (ticksAfter.busy - ticksBefore.busy) / (ticksAfter.total - ticksBefore.total);
    return { result, cpu, wall, machineBusy, waits, samples };
  };

  progress(`(a) end to end: ${opts.seconds} s with ${pairs.length} senders`);
  const loadBefore = os.loadavg();
  const a = await observe(() => closedLoop(opts.seconds));
  const e2e = a.result;
  const maxRate = e2e.sent / e2e.elapsed;
  if (!(maxRate > 0)) throw new Error('(a) sent no message: no rate to halve');

  // ---- (d) open loop at half of (a)'s rate --------------------------------------------------------
  const halfRate = maxRate / 2;
  progress(`(d) open loop: ${halfRate.toFixed(1)} messages/s (half of (a)) for ${opts.openSeconds} s`);
  const openSent = new Map<string, number>();
  const openPosts: number[] = [];
  const openFailures = new Map<string, number>();
  const loadBeforeOpen = os.loadavg();
  const d = await observe(async () => {
    const paced = await openLoop(halfRate, opts.openSeconds, (i, scheduledAt) =>
      send(pairs[i % pairs.length], openSent, openPosts, scheduledAt).catch((err: Error) => {
        const reason = err.message.slice(0, 60);
        openFailures.set(reason, (openFailures.get(reason) ?? 0) + 1);
        throw err;
      }),
    );
    return { ...paced, ...(await delivered(openSent)) };
  });
  const open = d.result;

  // ---- (b) raw kafkajs producer ------------------------------------------------------------------
  progress(`(b) raw kafkajs: ${opts.seconds} s, ${pairs.length} concurrent awaited sends`);
  const rawTopic = `${prefix}bench.raw.sent.v1`;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: 3 }] });
  await kafkaAdmin.disconnect();
  const value = JSON.stringify({
    id: uuidv7(),
    type: 'messaging.message.sent.v1',
    occurredAt: new Date().toISOString(),
    tenantId,
    region: 'eea',
    subjectId: randomUUID(),
    traceparent: null,
    payload: {
      conversationId: randomUUID(),
      messageId: uuidv7(),
      clientId: randomUUID(),
      professionalId: randomUUID(),
      senderId: randomUUID(),
    },
  });
  const rawKafka = await measureLoop(pairs.length, opts.seconds, async (i) => {
    await (producer as Producer).send({ topic: rawTopic, acks: -1, messages: [{ key: String(i), value }] });
  });

  // ---- (c) raw PostgreSQL single-row insert -----------------------------------------------------
  progress(`(c) raw PostgreSQL: ${opts.seconds} s, ${pairs.length} concurrent single-row INSERTs, pool 10`);
  await admin.query(
    `CREATE TABLE public.bench_raw (id uuid PRIMARY KEY, body bytea NOT NULL, at timestamptz NOT NULL DEFAULT now())`,
  );
  const pool = new Pool({ connectionString: pg.adminUrl(database), max: 10 });
  onCleanup('pg pool', () => pool.end());
  const body = randomBytes(100);
  const rawPg = await measureLoop(pairs.length, opts.seconds, async () => {
    await pool.query(`INSERT INTO public.bench_raw (id, body) VALUES ($1, $2)`, [randomUUID(), body]);
  });

  // ---- report -----------------------------------------------------------------------------------
  const m = machine();
  const end2end = summarise(e2e.e2e, e2e.elapsed);
  end2end.perSecond = e2e.sent / e2e.elapsed;
  const posts = summarise(e2e.postLatencies, e2e.elapsed);
  // (d): a message that never arrived counts as slower than any that did.
  const openE2e = summarise([...open.e2e, ...Array<number>(open.lost).fill(Infinity)], open.offeredSeconds);
  openE2e.perSecond = open.count / open.offeredSeconds;
  const openPost = summarise(openPosts, open.offeredSeconds);
  const lag = summarise(open.startLag, open.offeredSeconds);
  const p99Met = open.failed === 0 && open.lost === 0 && openE2e.p99 <= opts.p99Target;
  const ms = (n: number) =>
    n === Infinity ? 'not delivered' : Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a';
  const rate = (n: number) => `${n.toFixed(0)}/s`;
  const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(3)}` : 'n/a');
  const report = `# Messaging benchmark — ${startedAt.toISOString()}

${pairs.length} concurrent senders, ${opts.seconds} s measured per part (after ${opts.warmup} s warm-up of (a)).

## Machine and software

| | |
| --- | --- |
| CPU | ${m.cpus} × ${m.model} |
| memory | ${m.memoryGiB.toFixed(1)} GiB |
| load average before (a) / before (d) / at the end (1 min) | ${loadBefore[0].toFixed(2)} / ${loadBeforeOpen[0].toFixed(2)} / ${m.load[0].toFixed(2)} (other engineers' tests share this machine) |
| Node.js | ${m.node} |
| kernel | ${m.kernel} |
| PostgreSQL | ${pgVersion}${external.pg ? ' (external)' : ' (embedded, fsync and synchronous_commit on)'} |
| Kafka | ${kafkaVersion} |
| processes | identity, messaging, gateway: one process each on 127.0.0.1 (as \`npm start\`) |

## Results

| path | messages | rate | p50 | p95 | p99 | max |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| (a) POST through the gateway → recipient's SSE stream | ${e2e.sent} (${e2e.lost} not delivered within 10 s) | ${rate(end2end.perSecond)} | ${ms(end2end.p50)} | ${ms(end2end.p95)} | ${ms(end2end.p99)} | ${ms(end2end.max)} |
| (a′) the POST alone (201 answered) | ${posts.count} | ${rate(posts.perSecond)} | ${ms(posts.p50)} | ${ms(posts.p95)} | ${ms(posts.p99)} | ${ms(posts.max)} |
| (b) raw kafkajs send, acks=all, idempotent | ${rawKafka.count} | ${rate(rawKafka.perSecond)} | ${ms(rawKafka.p50)} | ${ms(rawKafka.p95)} | ${ms(rawKafka.p99)} | ${ms(rawKafka.max)} |
| (c) raw single-row INSERT, autocommit, pool 10 | ${rawPg.count} | ${rate(rawPg.perSecond)} | ${ms(rawPg.p50)} | ${ms(rawPg.p95)} | ${ms(rawPg.p99)} | ${ms(rawPg.max)} |

Ratios (the figures that matter; absolute numbers depend on the machine):

| | vs raw kafkajs (b) | vs raw INSERT (c) |
| --- | ---: | ---: |
| end-to-end rate (a) | ${ratio(end2end.perSecond, rawKafka.perSecond)} | ${ratio(end2end.perSecond, rawPg.perSecond)} |
| end-to-end p50 latency (a) | ${ratio(end2end.p50, rawKafka.p50)}× | ${ratio(end2end.p50, rawPg.p50)}× |

## (d) Open loop at half of (a)'s rate

${open.count} messages scheduled at ${halfRate.toFixed(1)}/s (half of (a)'s ${maxRate.toFixed(1)}/s) for
${opts.openSeconds} s, round robin over the ${pairs.length} senders, each POST started at its scheduled time whatever
the earlier ones' answers; ${open.failed} not answered 201${
    openFailures.size ? ` (${[...openFailures].map(([r, n]) => `${n}× ${r}`).join('; ')})` : ''
  }, ${open.lost} not delivered within 10 s (counted as slower than any delivered).

| (d) | messages | rate | p50 | p95 | p99 | max |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| scheduled send time → recipient's SSE stream | ${open.e2e.length} of ${open.count} | ${rate(openE2e.perSecond)} offered | ${ms(openE2e.p50)} | ${ms(openE2e.p95)} | ${ms(openE2e.p99)} | ${ms(openE2e.max)} |
| the POST alone (start → 201) | ${openPost.count} | | ${ms(openPost.p50)} | ${ms(openPost.p95)} | ${ms(openPost.p99)} | ${ms(openPost.max)} |
| the load generator's lag (scheduled → POST started) | ${lag.count} | | ${ms(lag.p50)} | ${ms(lag.p95)} | ${ms(lag.p99)} | ${ms(lag.max)} |

**p99 ${ms(openE2e.p99)} at half the maximum rate: ${p99Met ? 'meets' : 'does not meet'} the target of ≤ ${opts.p99Target} ms.**

## Where the CPU went

Cores used (CPU seconds per wall-clock second of the part, its stragglers' wait included) and CPU ms per message
sent; the machine as a whole was ${(a.machineBusy * 100).toFixed(0)} % busy during (a) and ${(d.machineBusy * 100).toFixed(0)} % during (d), over
${m.cpus} cores (other work on the machine included).

| process | cores (a) | CPU ms per message (a) | cores (d) | CPU ms per message (d) |
| --- | ---: | ---: | ---: | ---: |
${Object.keys(a.cpu)
  .map((k) => {
    const cores = (v: number, wall: number) => (Number.isFinite(v) ? (v / wall).toFixed(2) : 'n/a');
    const perMessage = (v: number, n: number) =>
      Number.isFinite(v) && n > 0 ? ((1000 * v) / n).toFixed(2) : 'n/a';
    return `| ${k} | ${cores(a.cpu[k], a.wall)} | ${perMessage(a.cpu[k], e2e.sent)} | ${cores(d.cpu[k], d.wall)} | ${perMessage(d.cpu[k], open.count)} |`;
  })
  .join('\n')}

## What the services' database connections were doing

Average number of connections in each state (pg_stat_activity, ${a.samples} samples during (a) and ${d.samples} during (d), 100 ms apart).
\`idle\` with a busy service means the connection waits for Node.js (event loop, pool); \`idle in
transaction\` means a transaction waits for its next statement; \`active: IO/WalSync\` or \`LWLock/WALWrite\`
are commits waiting for the disk; \`Lock/…\` is lock waiting.

| connection state | average (a) | average (d) |
| --- | ---: | ---: |
${[...new Set([...a.waits.keys(), ...d.waits.keys()])]
  .sort((x, y) => (a.waits.get(y) ?? 0) - (a.waits.get(x) ?? 0))
  .map(
    (k) =>
      `| ${k} | ${((a.waits.get(k) ?? 0) / Math.max(1, a.samples)).toFixed(2)} | ${((d.waits.get(k) ?? 0) / Math.max(1, d.samples)).toFixed(2)} |`,
  )
  .join('\n')}
`;
  writeReport('messaging', startedAt, report);
}

/** N concurrent loops of an awaited operation for `seconds`; the latency of each. */
async function measureLoop(n: number, seconds: number, op: (i: number) => Promise<void>): Promise<Summary> {
  const latencies: number[] = [];
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      while (performance.now() < until) {
        const s = performance.now();
        await op(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return summarise(latencies, (performance.now() - t0) / 1000);
}

runBenchmark(main);
