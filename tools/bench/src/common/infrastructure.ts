// The infrastructure every benchmark measures against: a real PostgreSQL (durable: fsync and
// synchronous_commit on) with a database of its own, and a real Kafka broker, each started here or
// taken from DATABASE_ADMIN_URL / KAFKA_BROKERS, and stopped (database dropped) when the run ends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, provisionServiceSchema } from '@therapy-room/platform';
import { startPostgresOrUseExternal, type LocalPostgres } from '@therapy-room/local-postgres';
import { ensureKafkaClasspath, startKafkaOrUseExternal } from '@therapy-room/local-kafka';
import { onCleanup, ownDir, progress } from './lifecycle';

export interface BenchPostgres {
  pg: LocalPostgres & { external: boolean };
  /** The embedded server's data folder (undefined for an external server). */
  dataDir?: string;
  /** This run's database (dropped at the end, with the roles provisioned in it). */
  database: string;
  /** A service's own role and schema in this run's database, as the Helm hook Job provisions them. */
  provision(
    schema: string,
    options?: { separateOwner?: boolean },
  ): Promise<{ role: string; DATABASE_URL: string; DATABASE_SCHEMA: string; DATABASE_OWNER_URL?: string }>;
  /** The same service's schema in this run's key database (data keys live apart from the data). */
  provisionKeys(schema: string): Promise<{ DATA_KEYS_DATABASE_URL: string; DATA_KEYS_SCHEMA: string }>;
}

const ownTempDir = (prefix: string): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  ownDir(dir);
  return dir;
};

export async function startBenchPostgres(options: { verbose?: boolean } = {}): Promise<BenchPostgres> {
  const external = Boolean(process.env.DATABASE_ADMIN_URL);
  const dataDir = external ? undefined : ownTempDir('therapy-room-bench-pg-');
  progress(
    external
      ? 'using PostgreSQL at DATABASE_ADMIN_URL'
      : 'starting embedded PostgreSQL (fast: false: fsync and synchronous_commit on)',
  );
  const pg = await startPostgresOrUseExternal({
    fast: false,
    dataDir,
    onLog: options.verbose ? (l) => progress(`pg: ${l}`) : undefined,
  });
  onCleanup('PostgreSQL', () => pg.stop());

  const suffix = randomBytes(4).toString('hex');
  const database = `bench_${suffix}`;
  const roles: string[] = [];
  const keysDatabase = `${database}_keys`;
  await ensureDatabase(pg.adminUrl(), database);
  await ensureDatabase(pg.adminUrl(), keysDatabase);
  onCleanup('bench database', async () => {
    const root = new Client({ connectionString: pg.adminUrl() });
    await root.connect();
    try {
      await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await root.query(`DROP DATABASE IF EXISTS ${keysDatabase} WITH (FORCE)`);
      for (const role of roles) await root.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await root.end();
    }
  });
  return {
    pg,
    dataDir,
    database,
    async provision(schema, options = {}) {
      const role = `bench_${suffix}_${schema}`;
      const password = randomBytes(12).toString('hex');
      // A schema owned by a separate migration role (audit's append-only log).
      const owner = options.separateOwner
        ? { role: `${role}_owner`, password: randomBytes(12).toString('hex') }
        : undefined;
      roles.push(role, ...(owner ? [owner.role] : []));
      await provisionServiceSchema({ adminUrl: pg.adminUrl(), database, schema, role, password, owner });
      const urlOf = (r: string, pw: string) =>
        Object.assign(new URL(pg.adminUrl(database)), { username: r, password: pw }).toString();
      return {
        role,
        DATABASE_URL: urlOf(role, password),
        DATABASE_SCHEMA: schema,
        ...(owner ? { DATABASE_OWNER_URL: urlOf(owner.role, owner.password) } : {}),
      };
    },
    async provisionKeys(schema) {
      const role = `bench_${suffix}_${schema}_keys`;
      const password = randomBytes(12).toString('hex');
      roles.push(role);
      await provisionServiceSchema({
        adminUrl: pg.adminUrl(),
        database: keysDatabase,
        schema,
        role,
        password,
      });
      return {
        DATA_KEYS_DATABASE_URL: Object.assign(new URL(pg.adminUrl(keysDatabase)), {
          username: role,
          password,
        }).toString(),
        DATA_KEYS_SCHEMA: schema,
      };
    },
  };
}

export interface BenchKafka {
  brokers: string[];
  /** The broker's data folder (undefined for external brokers). */
  dataDir?: string;
  version: string;
}

export async function startBenchKafka(options: { verbose?: boolean } = {}): Promise<BenchKafka> {
  const external = Boolean(process.env.KAFKA_BROKERS?.trim());
  const dataDir = external ? undefined : ownTempDir('therapy-room-bench-kafka-');
  progress(external ? 'using Kafka at KAFKA_BROKERS' : 'starting a local Kafka broker (java)');
  const handle = await startKafkaOrUseExternal({
    dataDir,
    onLog: options.verbose ? (l) => progress(`kafka: ${l}`) : undefined,
  });
  onCleanup('Kafka', () => handle.stop());
  let version = `external (${handle.brokers.join(',')})`;
  if (!external) {
    const match = /kafka_[0-9.]+-([0-9][^/\\]*?)\.jar/.exec(await ensureKafkaClasspath());
    version = `${match?.[1] ?? 'unknown'} (local KRaft broker, 1 node, JVM heap 512 MB)`;
  }
  return { brokers: handle.brokers, dataDir, version };
}
