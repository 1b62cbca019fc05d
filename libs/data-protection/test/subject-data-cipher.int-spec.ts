import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { baseConfigShape, databaseConfigShape, PlatformModule } from '@therapy-room/platform';
import {
  DataProtectionModule,
  SubjectDataCipher,
  SubjectDataKeys1763900000200,
  SubjectKeyShreddedError,
  dataProtectionConfigShape,
  seal,
} from '@therapy-room/data-protection';
import { startInProcessService, withEnv, type InProcessService } from '@therapy-room/testing';
import { createServiceApp, stopServiceApp } from '@therapy-room/platform';

@Module({
  imports: [
    PlatformModule.forService({
      configShape: { ...baseConfigShape, ...databaseConfigShape, ...dataProtectionConfigShape },
      database: { entities: [], migrations: [SubjectDataKeys1763900000200] },
    }),
    DataProtectionModule,
  ],
})
class VaultAppModule {}

const key = () => randomBytes(32).toString('base64');

describe('subject data keys: envelope encryption and crypto-shredding (real PostgreSQL)', () => {
  const first = key();
  let svc: InProcessService;
  let cipher: SubjectDataCipher;
  let dataSource: DataSource;
  const tenantId = randomUUID();

  beforeAll(async () => {
    svc = await startInProcessService(VaultAppModule, 'vault-test', {
      consume: false,
      listen: false,
      env: { DATA_MASTER_KEYS: JSON.stringify({ k1: first }), DATA_MASTER_KEY_ID: 'k1' },
    });
    cipher = svc.app.get(SubjectDataCipher);
    dataSource = svc.app.get(DataSource);
  });
  afterAll(() => svc?.stop());

  const encrypt = (subjectId: string, field: string, text: string, c = cipher) =>
    dataSource.transaction((m) => c.encrypt(m, { tenantId, subjectId }, field, text));

  it('seals with a per-subject key that is stored only wrapped; the text opens only for its subject and field', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const sealed = await encrypt(alice, 'diary.note:1', 'Panic attack on the train this morning');
    await encrypt(bob, 'diary.note:2', 'Fine today');
    expect(sealed.includes(Buffer.from('Panic'))).toBe(false);
    expect(await cipher.decrypt(alice, 'diary.note:1', sealed)).toBe(
      'Panic attack on the train this morning',
    );
    await expect(cipher.decrypt(alice, 'diary.note:2', sealed)).rejects.toThrow();
    await expect(cipher.decrypt(bob, 'diary.note:1', sealed)).rejects.toThrow();
    const rows = await svc.db.keysQuery<{ subject_id: string; master_key_id: string; wrapped_key: Buffer }>(
      `SELECT subject_id, master_key_id, wrapped_key FROM vault_test.subject_data_key WHERE tenant_id = $1`,
      [tenantId],
    );
    expect(rows.map((r) => r.subject_id).sort()).toEqual([alice, bob].sort());
    expect(rows.every((r) => r.master_key_id === 'k1' && r.wrapped_key.length === 1 + 12 + 16 + 32)).toBe(
      true,
    );
  });

  it('shredding the key makes the subject’s texts unreadable, and only theirs', async () => {
    const carol = randomUUID();
    const dave = randomUUID();
    const sealed = await encrypt(carol, 'message.body:9', 'I want to stop my medication');
    const other = await encrypt(dave, 'message.body:10', 'See you Tuesday');
    expect(await dataSource.transaction((m) => cipher.shred(m, carol))).toBe(true);
    await expect(cipher.decrypt(carol, 'message.body:9', sealed)).rejects.toBeInstanceOf(
      SubjectKeyShreddedError,
    );
    expect(await cipher.decrypt(dave, 'message.body:10', other)).toBe('See you Tuesday');
    expect(await dataSource.transaction((m) => cipher.shred(m, carol))).toBe(false);
  });

  it('rotates the master key: old data keys still open, new ones are wrapped with the new key', async () => {
    const erin = randomUUID();
    const sealed = await encrypt(erin, 'answer:1', 'Before the rotation');
    const rotated = await withEnv(
      { ...svc.env, DATA_MASTER_KEYS: JSON.stringify({ k1: first, k2: key() }), DATA_MASTER_KEY_ID: 'k2' },
      () => createServiceApp(VaultAppModule),
    );
    await rotated.init();
    try {
      const next = rotated.get(SubjectDataCipher);
      expect(await next.decrypt(erin, 'answer:1', sealed)).toBe('Before the rotation');
      const frank = randomUUID();
      const fresh = await rotated
        .get(DataSource)
        .transaction((m) => next.encrypt(m, { tenantId, subjectId: frank }, 'answer:2', 'After'));
      const [row] = await svc.db.keysQuery<{ master_key_id: string }>(
        `SELECT master_key_id FROM vault_test.subject_data_key WHERE subject_id = $1`,
        [frank],
      );
      expect(row.master_key_id).toBe('k2');
      expect(await next.decrypt(frank, 'answer:2', fresh)).toBe('After');
    } finally {
      await stopServiceApp(rotated);
    }
  });

  it('refuses to start with a current key id that is not among the keys, or a malformed key', async () => {
    await expect(
      withEnv({ ...svc.env, DATA_MASTER_KEYS: JSON.stringify({ k1: first }), DATA_MASTER_KEY_ID: 'k9' }, () =>
        createServiceApp(VaultAppModule),
      ),
    ).rejects.toThrow(/DATA_MASTER_KEY_ID/);
    await expect(
      withEnv({ ...svc.env, DATA_MASTER_KEYS: '{"k1":"short"}', DATA_MASTER_KEY_ID: 'k1' }, () =>
        createServiceApp(VaultAppModule),
      ),
    ).rejects.toThrow(/DATA_MASTER_KEYS/);
  });

  it('keeps the keys in the key database only: the service database holds none, and a copy of it opens nothing', async () => {
    const grace = randomUUID();
    const sealed = await encrypt(grace, 'diary.note:7', 'Could not get out of bed');
    expect(
      await svc.db.query(`SELECT 1 FROM vault_test.subject_data_key WHERE subject_id = $1`, [grace]),
    ).toHaveLength(0);
    expect(
      await svc.db.keysQuery(`SELECT 1 FROM vault_test.subject_data_key WHERE subject_id = $1`, [grace]),
    ).toHaveLength(1);
    // The service's role cannot reach the key database's tables through its own connection.
    await expect(
      dataSource.query(`SELECT 1 FROM ${svc.db.keysName}.vault_test.subject_data_key`),
    ).rejects.toThrow();
    await dataSource.transaction((m) => cipher.shred(m, grace));
    await expect(cipher.decrypt(grace, 'diary.note:7', sealed)).rejects.toBeInstanceOf(
      SubjectKeyShreddedError,
    );
  });

  it('moves the keys an earlier release kept in the service database into the key database at start', async () => {
    const henk = randomUUID();
    const dataKey = randomBytes(32);
    const wrapped = seal(Buffer.from(first, 'base64'), dataKey, `${henk}|data-key`);
    const sealed = seal(dataKey, 'Written before the key database', `${henk}|diary.note:8`);
    await svc.db.query(
      `INSERT INTO vault_test.subject_data_key (subject_id, tenant_id, master_key_id, wrapped_key) VALUES ($1, $2, 'k1', $3)`,
      [henk, tenantId, wrapped],
    );
    const restarted = await withEnv(svc.env, () => createServiceApp(VaultAppModule));
    await restarted.init();
    try {
      expect(await restarted.get(SubjectDataCipher).decrypt(henk, 'diary.note:8', sealed)).toBe(
        'Written before the key database',
      );
      expect(await svc.db.query(`SELECT 1 FROM vault_test.subject_data_key`)).toHaveLength(0);
      expect(
        await svc.db.keysQuery(`SELECT 1 FROM vault_test.subject_data_key WHERE subject_id = $1`, [henk]),
      ).toHaveLength(1);
    } finally {
      await stopServiceApp(restarted);
    }
  });
});
