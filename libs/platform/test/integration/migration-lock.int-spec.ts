import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase, expectEventually, type TestDatabase } from '@therapy-room/testing';
import { migrationLockKey, runServiceMigrations } from '@therapy-room/platform';

/** Not idempotent on purpose: run twice, or by two migrators at once, it fails. */
class LockProbe1763900000001 implements MigrationInterface {
  name = 'LockProbe1763900000001';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE lock_probe (id integer CONSTRAINT lock_probe_pkey PRIMARY KEY)`);
    await q.query(`INSERT INTO lock_probe VALUES (1)`);
  }
  async down(q: QueryRunner) {
    await q.query(`DROP TABLE lock_probe`);
  }
}

describe('migrations run once per release, never raced by replicas', () => {
  let db: TestDatabase;
  let holder: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    holder = new Client({ connectionString: db.adminUrl });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await db?.drop();
  });

  it("two replicas starting together wait on the schema's advisory lock; one migrates, the other finds nothing to do", async () => {
    const env = await db.provision('lockprobe');
    const config = { ...env, SERVICE_NAME: 'lockprobe' };
    // Held by the test, so both migrators are seen queueing behind it before either runs.
    await holder.query(`SELECT pg_advisory_lock(hashtext($1))`, [migrationLockKey(env.DATABASE_SCHEMA)]);
    const replicas = [1, 2].map(() =>
      runServiceMigrations(config, { entities: [], migrations: [LockProbe1763900000001] }),
    );
    await expectEventually(async () => {
      const waiting = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a USING (pid)
          WHERE l.locktype = 'advisory' AND NOT l.granted AND a.application_name = 'lockprobe-migration-lock'`,
      );
      expect(waiting[0].n).toBe(2);
    });
    await holder.query(`SELECT pg_advisory_unlock(hashtext($1))`, [migrationLockKey(env.DATABASE_SCHEMA)]);
    await Promise.all(replicas);

    expect(await db.query(`SELECT id FROM lockprobe.lock_probe`)).toEqual([{ id: 1 }]);
    const ran = await db.query<{ name: string }>(`SELECT name FROM lockprobe.migration ORDER BY id`);
    expect(ran.map((m) => m.name)).toEqual(['PlatformOutboxInbox1763800000000', 'LockProbe1763900000001']);
  });
});
