import { randomUUID } from 'node:crypto';
import { EntitySchema, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@therapy-room/testing';
import { createDataSource, runServiceMigrations, type DatabaseOptions } from '@therapy-room/platform';

/**
 * A rolling update over a migration (docs/operations/migrations.md): the new release's first pod migrates
 * while the old release's pods still serve, and `helm rollback` starts the old code again on the migrated
 * schema (migrations are never rolled back). An expand step, a nullable column, keeps both working.
 */
class NoteTable1763900000101 implements MigrationInterface {
  name = 'NoteTable1763900000101';
  async up(q: QueryRunner) {
    await q.query(`CREATE TABLE note (id uuid CONSTRAINT note_pkey PRIMARY KEY, body text NOT NULL)`);
  }
  async down(q: QueryRunner) {
    await q.query(`DROP TABLE note`);
  }
}
/** The release under test: expand only (a nullable column the old code neither writes nor reads). */
class NoteTag1763900000102 implements MigrationInterface {
  name = 'NoteTag1763900000102';
  async up(q: QueryRunner) {
    await q.query(`ALTER TABLE note ADD COLUMN tag text`);
  }
  async down(q: QueryRunner) {
    await q.query(`ALTER TABLE note DROP COLUMN tag`);
  }
}

interface NoteV1 {
  id: string;
  body: string;
}
interface NoteV2 extends NoteV1 {
  tag: string | null;
}
const noteV1 = new EntitySchema<NoteV1>({
  name: 'note',
  columns: { id: { type: 'uuid', primary: true }, body: { type: 'text' } },
});
const noteV2 = new EntitySchema<NoteV2>({
  name: 'note',
  columns: {
    id: { type: 'uuid', primary: true },
    body: { type: 'text' },
    tag: { type: 'text', nullable: true },
  },
});
const v1: DatabaseOptions = { entities: [noteV1], migrations: [NoteTable1763900000101] };
const v2: DatabaseOptions = {
  entities: [noteV2],
  migrations: [NoteTable1763900000101, NoteTag1763900000102],
};

describe('a rolling upgrade over an expand migration, and its rollback', () => {
  let db: TestDatabase;
  const open: DataSource[] = [];
  /** One pod of a release: migrations under the lock, then its data source, as DatabaseModule does. */
  const startPod = async (config: Parameters<typeof runServiceMigrations>[0], release: DatabaseOptions) => {
    await runServiceMigrations(config, release);
    const dataSource = createDataSource({ ...config, DATABASE_POOL_MAX: 2 }, release);
    await dataSource.initialize();
    open.push(dataSource);
    return dataSource;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(open.map((d) => d.destroy()));
    await db?.drop();
  });

  it('old and new code both write and read during the update, and the old code runs again after a rollback', async () => {
    const config = { ...(await db.provision('notes')), SERVICE_NAME: 'notes' };
    const oldPod = await startPod(config, v1);
    const before = { id: randomUUID(), body: 'written before the upgrade' };
    await oldPod.getRepository<NoteV1>('note').insert(before);

    // The new release's first pod migrates while the old pod keeps serving.
    const newPod = await startPod(config, v2);
    const fromNew = { id: randomUUID(), body: 'written by the new release', tag: 'new' };
    await newPod.getRepository<NoteV2>('note').insert(fromNew);
    const fromOld = { id: randomUUID(), body: 'written by the old release during the update' };
    await oldPod.getRepository<NoteV1>('note').insert(fromOld);

    const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await oldPod.getRepository<NoteV1>('note').find())).toEqual(
      byId([before, fromNew, fromOld].map(({ id, body }) => ({ id, body }))),
    );
    expect(byId(await newPod.getRepository<NoteV2>('note').find())).toEqual(
      byId([{ ...before, tag: null }, fromNew, { ...fromOld, tag: null }]),
    );

    // helm rollback: the old release's pods start again; its migrations find nothing to undo or run.
    const rolledBack = await startPod(config, v1);
    const afterRollback = { id: randomUUID(), body: 'written after the rollback' };
    await rolledBack.getRepository<NoteV1>('note').insert(afterRollback);
    expect(await rolledBack.getRepository<NoteV1>('note').count()).toBe(4);
    const ran = await db.query<{ name: string }>(`SELECT name FROM notes.migration ORDER BY id`);
    expect(ran.map((m) => m.name)).toEqual([
      'PlatformOutboxInbox1763800000000',
      'NoteTable1763900000101',
      'NoteTag1763900000102',
    ]);
    // The new release's data survives the rollback, ready for the next upgrade.
    expect(await db.query(`SELECT tag FROM notes.note WHERE id = $1`, [fromNew.id])).toEqual([
      { tag: 'new' },
    ]);
  });
});
