import { randomUUID } from 'node:crypto';
import { auditCheckpointRecordedV1 } from '@therapy-room/contracts';
import { expectEventually, spawnTs } from '@therapy-room/testing';
import { chainHash, type AuditRecord } from '../../src/log/audit-record';
import { CheckpointScheduler } from '../../src/checkpoints/checkpoint-scheduler';
import { AuditClock } from '../../src/log/audit-clock';
import { startAudit, type AuditFixture } from '../support/audit-fixture';

/**
 * `audit verify` against tampering by someone with full database access: the superuser switches the
 * append-only triggers off (session_replication_role = replica) and edits rows; verify names the first
 * record changed, removed, inserted or reordered, and a rewritten chain fails at its signed checkpoint.
 */
describe('audit: hash chain, signed checkpoints and verify', () => {
  let fx: AuditFixture;

  beforeAll(async () => {
    fx = await startAudit([auditCheckpointRecordedV1.topic], {
      AUDIT_CHECKPOINT_EVERY_RECORDS: '4',
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: '60',
    });
  });
  afterAll(() => fx?.stop());

  /** An organisation with six records (a checkpoint after the 4th), one event at a time. */
  async function organisationWithSixRecords(): Promise<string> {
    const tenantId = randomUUID();
    for (let i = 1; i <= 6; i++) {
      await fx.entry(tenantId, randomUUID(), { action: 'caseload.read', actorId: randomUUID() });
      await fx.records(tenantId, i);
    }
    return tenantId;
  }

  /** Runs statements as the superuser with the triggers off: what an intruder with full access could do. */
  const tamper = (sql: string) =>
    fx.db.query(`SET session_replication_role = replica; ${sql}; RESET session_replication_role`);
  const t = (tenantId: string) => `${fx.schema}.audit_record WHERE tenant_id = '${tenantId}'`;

  it('an intact log verifies; every 4 records a checkpoint signed with the current kid is kept and published', async () => {
    const tenantId = await organisationWithSixRecords();
    expect(await fx.verify(tenantId)).toEqual({ ok: true, records: 6, checkpoints: 1, from: 1, through: 6 });
    const published = await expectEventually(() => {
      const found = fx.events(auditCheckpointRecordedV1.topic).filter((e) => e.tenantId === tenantId);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(published.payload).toMatchObject({ position: 4, kind: 'periodic', kid: 'audit-test' });
    const [head] = await fx.db.query<{ hash: Buffer }>(`SELECT hash FROM ${t(tenantId)} AND position = 4`);
    expect(published.payload.hash).toBe(head.hash.toString('hex'));
    // From a later point: starts at the checkpoint before it.
    expect(await fx.verify(tenantId, 5)).toMatchObject({ ok: true, from: 5, through: 6 });
  });

  it('changed: a record edited in place is named', async () => {
    const tenantId = await organisationWithSixRecords();
    await tamper(
      `UPDATE ${fx.schema}.audit_record SET outcome = 'failure' WHERE tenant_id = '${tenantId}' AND position = 2`,
    );
    expect(await fx.verify(tenantId)).toMatchObject({ ok: false, problem: { kind: 'changed', position: 2 } });
  });

  it('removed: a deleted record is named', async () => {
    const tenantId = await organisationWithSixRecords();
    await tamper(`DELETE FROM ${t(tenantId)} AND position = 3`);
    expect(await fx.verify(tenantId)).toMatchObject({ ok: false, problem: { kind: 'removed', position: 3 } });
  });

  it('removed: records cut off at the end are caught by the checkpoint that covers them', async () => {
    const tenantId = await organisationWithSixRecords();
    await tamper(`DELETE FROM ${t(tenantId)} AND position >= 4`);
    expect(await fx.verify(tenantId)).toMatchObject({ ok: false, problem: { kind: 'removed', position: 4 } });
  });

  it('inserted: a forged record slipped in (with a correct hash of its own) is named', async () => {
    const tenantId = await organisationWithSixRecords();
    const [before] = await fx.db.query<{ hash: Buffer }>(`SELECT hash FROM ${t(tenantId)} AND position = 2`);
    // Make room at position 3 (in two steps: positions are unique).
    const shift = (by: number, from: number) =>
      tamper(
        `UPDATE ${fx.schema}.audit_record SET position = position + ${by} WHERE tenant_id = '${tenantId}' AND position >= ${from}`,
      );
    await shift(100, 3);
    await shift(-99, 100);
    const forged: AuditRecord = {
      tenantId,
      position: 3,
      recordedAt: new Date(),
      occurredAt: new Date(),
      eventId: randomUUID(),
      action: 'caseload.read',
      outcome: 'success',
      reason: null,
      actorPs: null,
      actorRole: 'org_admin',
      responsiblePs: null,
      grantId: null,
      subjectPs: null,
      objectType: 'caseload.entry',
      objectId: null,
      sensitivity: 'none',
      basis: null,
      sourceService: 'caseload',
      sourceAddress: '198.51.100.1',
      requestId: 'forged',
    };
    const hash = chainHash(before.hash, forged);
    await fx.db.query(`SET session_replication_role = replica`);
    await fx.db.query(
      `INSERT INTO ${fx.schema}.audit_record (tenant_id, position, recorded_at, occurred_at, event_id, action, outcome,
         actor_role, object_type, sensitivity, source_service, source_address, request_id, prev_hash, hash)
       VALUES ($1, 3, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        tenantId,
        forged.recordedAt,
        forged.occurredAt,
        forged.eventId,
        forged.action,
        forged.outcome,
        forged.actorRole,
        forged.objectType,
        forged.sensitivity,
        forged.sourceService,
        forged.sourceAddress,
        forged.requestId,
        before.hash,
        hash,
      ],
    );
    await fx.db.query(`RESET session_replication_role`);
    expect(await fx.verify(tenantId)).toMatchObject({
      ok: false,
      problem: { kind: 'inserted', position: 3 },
    });
  });

  it('reordered: two records swapped are named', async () => {
    const tenantId = await organisationWithSixRecords();
    const set = (from: number, to: number) =>
      tamper(
        `UPDATE ${fx.schema}.audit_record SET position = ${to} WHERE tenant_id = '${tenantId}' AND position = ${from}`,
      );
    await set(2, 100);
    await set(3, 2);
    await set(100, 3);
    expect(await fx.verify(tenantId)).toMatchObject({
      ok: false,
      problem: { kind: 'reordered', position: 2 },
    });
  });

  it('a chain rewritten with fresh hashes fails at the signed checkpoint; a forged signature fails too', async () => {
    const tenantId = await organisationWithSixRecords();
    await tamper(
      `UPDATE ${fx.schema}.audit_record SET outcome = 'failure' WHERE tenant_id = '${tenantId}' AND position = 2`,
    );
    // Recompute every hash from record 2 on, as an intruder who knows the (public) format can.
    const rows = await fx.db.query<Record<string, unknown>>(`SELECT * FROM ${t(tenantId)} ORDER BY position`);
    let prev = rows[0].hash as Buffer;
    for (const row of rows.slice(1)) {
      const record = {
        tenantId,
        position: Number(row.position),
        recordedAt: row.recorded_at as Date,
        occurredAt: row.occurred_at as Date,
        eventId: row.event_id as string,
        action: row.action as string,
        outcome: row.outcome as string,
        reason: row.reason as string | null,
        actorPs: row.actor_ps as string | null,
        actorRole: row.actor_role as string | null,
        responsiblePs: row.responsible_ps as string | null,
        grantId: row.grant_id as string | null,
        subjectPs: row.subject_ps as string | null,
        objectType: row.object_type as string,
        objectId: row.object_id as string | null,
        sensitivity: row.sensitivity as string,
        basis: row.basis as string | null,
        sourceService: row.source_service as string,
        sourceAddress: row.source_address as string,
        requestId: row.request_id as string,
      };
      const hash = chainHash(prev, record);
      await fx.db.query(`SET session_replication_role = replica`);
      await fx.db.query(
        `UPDATE ${fx.schema}.audit_record SET prev_hash = $3, hash = $4 WHERE tenant_id = $1 AND position = $2`,
        [tenantId, record.position, prev, hash],
      );
      await fx.db.query(`RESET session_replication_role`);
      prev = hash;
    }
    expect(await fx.verify(tenantId)).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint', position: 4 },
    });

    const other = await organisationWithSixRecords();
    await tamper(
      `UPDATE ${fx.schema}.audit_checkpoint SET signature = decode(repeat('00', 64), 'hex') WHERE tenant_id = '${other}'`,
    );
    expect(await fx.verify(other)).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint', position: 4, detail: expect.stringMatching(/bad signature/) },
    });
  });

  it('a quiet organisation gets a checkpoint once its oldest unchecked record is older than the interval', async () => {
    const tenantId = randomUUID();
    await fx.entry(tenantId, randomUUID(), { action: 'caseload.read', actorId: randomUUID() });
    await fx.records(tenantId, 1);
    const clock = fx.service.app.get(AuditClock);
    const scheduler = fx.service.app.get(CheckpointScheduler);
    const checkpoints = () =>
      fx.db.query(`SELECT position FROM ${fx.schema}.audit_checkpoint WHERE tenant_id = $1`, [tenantId]);
    await scheduler.checkpointDue();
    expect(await checkpoints()).toHaveLength(0);
    const real = clock.now.bind(clock);
    clock.now = () => new Date(real().getTime() + 61_000);
    try {
      await scheduler.checkpointDue();
    } finally {
      clock.now = real;
    }
    expect(await checkpoints()).toEqual([{ position: '1' }]);
  });

  it('the CLI: `audit verify --tenant <id>` exits 0 on an intact log, 3 naming the record on a tampered one', async () => {
    const tenantId = await organisationWithSixRecords();
    const run = (args: string[]) => {
      const child = spawnTs('services/audit/src/cli.ts', args, fx.service.env);
      let stdout = '';
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      return new Promise<{ code: number | null; stdout: string }>((resolve) =>
        child.once('exit', (code) => resolve({ code, stdout })),
      );
    };
    const intact = await run(['verify', '--tenant', tenantId]);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ tenantId, ok: true, records: 6 });
    await tamper(`DELETE FROM ${t(tenantId)} AND position = 5`);
    const tampered = await run(['verify', '--tenant', tenantId]);
    expect(tampered.code).toBe(3);
    expect(JSON.parse(tampered.stdout)).toMatchObject({
      ok: false,
      problem: { kind: 'removed', position: 5 },
    });
  });
});
