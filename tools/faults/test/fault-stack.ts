import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { LocalKafka } from '@therapy-room/local-kafka';

/** The suite's PostgreSQL, in its own process (postgres-process.ts). */
export interface FaultPostgres {
  adminUrl: string;
  stopImmediately(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function startPostgresProcess(): Promise<FaultPostgres> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join('tools', 'faults', 'test', 'postgres-process.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, SWC_NODE_PROJECT: join(repoRoot, 'tsconfig.json') },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const command = (line: string) => child.stdin!.write(`${line}\n`);
  const states: { state: string; adminUrl: string }[] = [];
  const waiters: (() => void)[] = [];
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      states.push(JSON.parse(line) as { state: string; adminUrl: string });
    } catch {
      return; // a log line of the server's, not a state
    }
    waiters.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = (state: string) =>
    new Promise<void>((resolve, reject) => {
      const seen = states.length;
      const check = () => {
        if (states.slice(seen).some((s) => s.state === state)) resolve();
        else waiters.push(check);
      };
      waiters.push(check);
      void exited.then(() => reject(new Error(`PostgreSQL process exited:\n${errors}`)));
    });
  await new Promise<void>((resolve, reject) => {
    const check = () => (states.length ? resolve() : waiters.push(check));
    check();
    void exited.then(() => reject(new Error(`PostgreSQL process exited:\n${errors}`)));
  });
  return {
    adminUrl: states[0].adminUrl,
    async stopImmediately() {
      const stopped = next('stopped');
      command('stop-immediately');
      await stopped;
    },
    async start() {
      const started = next('started');
      command('start');
      await started;
    },
    async stop() {
      command('stop');
      child.stdin!.end();
      await exited;
    },
  };
}

/**
 * A PostgreSQL and a Kafka broker of the fault suite's own (the shared test ones must not be killed
 * under the other test files). PostgreSQL runs durable (fsync, synchronous commit): an immediate stop
 * must not lose an acknowledged commit, as in production.
 */
export async function startFaultInfra(): Promise<{
  postgres: FaultPostgres;
  kafka: LocalKafka;
  admin: Admin;
  stop(): Promise<void>;
}> {
  // A broker killed with -9 recovers every partition's log on its next start: on a loaded machine
  // that takes longer than a clean first start, so its readiness deadline is longer than the default.
  const kafka = new LocalKafka({ heapMb: 384, startTimeoutMs: 240_000 });
  const [postgres] = await Promise.all([startPostgresProcess(), kafka.start()]);
  const admin = new Kafka({
    clientId: 'fault-suite',
    brokers: kafka.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  }).admin();
  await admin.connect();
  return {
    postgres,
    kafka,
    admin,
    async stop() {
      await admin.disconnect().catch(() => undefined);
      await Promise.allSettled([kafka.destroy(), postgres.stop()]);
    },
  };
}

/** Messages behind in every shared consumer group whose name starts with `groupPrefix`, per group. */
export async function consumerLag(admin: Admin, groupPrefix: string): Promise<Map<string, number>> {
  const { groups } = await admin.listGroups();
  const lag = new Map<string, number>();
  const ends = new Map<string, Map<number, { low: number; high: number }>>();
  const endsOf = async (topic: string) => {
    let found = ends.get(topic);
    if (!found) {
      const offsets = await admin.fetchTopicOffsets(topic);
      found = new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
      ends.set(topic, found);
    }
    return found;
  };
  for (const { groupId } of groups) {
    if (!groupId.startsWith(groupPrefix)) continue;
    const committed = await admin.fetchOffsets({ groupId });
    let behind = 0;
    for (const { topic, partitions } of committed) {
      const end = await endsOf(topic);
      for (const { partition, offset } of partitions) {
        const at = end.get(partition);
        if (!at) continue;
        const position = Number(offset) < 0 ? at.low : Number(offset);
        behind += Math.max(0, at.high - position);
      }
    }
    lag.set(groupId, behind);
  }
  return lag;
}

/** A checksum of every row of every table in the given schemas (count and md5 of the sorted rows). */
export async function tableChecksums(
  query: <T>(sql: string, params?: unknown[]) => Promise<T[]>,
  schemas: string[],
): Promise<Record<string, string>> {
  const tables = await query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
    [schemas],
  );
  const sums: Record<string, string> = {};
  for (const { schema, name } of tables) {
    const [row] = await query<{ n: number; sum: string }>(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS sum
         FROM "${schema}"."${name}" t`,
    );
    sums[`${schema}.${name}`] = `${row.n}:${row.sum}`;
  }
  return sums;
}
