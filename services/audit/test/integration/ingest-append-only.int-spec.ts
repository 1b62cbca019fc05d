import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { Client } from 'pg';
import request from 'supertest';
import { auditEntryBatchRecordedV1, auditEntryRecordedV1, dlqTopic } from '@therapy-room/contracts';
import { signInternalToken } from '@therapy-room/auth';
import {
  TEST_CLIENT_ADDRESS,
  collectTopics,
  expectEventually,
  publishEvent,
  publishRaw,
  testSigningKey,
} from '@therapy-room/testing';
import { startAudit, type AuditFixture } from '../support/audit-fixture';

/** Audit keeps every entry once (one record per subject), pseudonymised, and its runtime role cannot change it. */
describe('audit: ingest and append-only', () => {
  let fx: AuditFixture;
  const tenantId = randomUUID();
  const pro = randomUUID();
  const client = randomUUID();
  const other = randomUUID();

  beforeAll(async () => {
    fx = await startAudit();
  });
  afterAll(() => fx?.stop());

  it('an entry becomes one record with the NEN 7513 fields; a batch one record per subject; a redelivery nothing', async () => {
    const single = await fx.entry(tenantId, client, {
      action: 'content.read',
      actorId: pro,
      resource: 'content.diary',
      resourceId: 'diary-1',
      basis: 'colleague_link',
    });
    await fx.batch(tenantId, {
      action: 'caseload.read',
      actorId: pro,
      subjects: [
        { subjectId: client, resourceId: client },
        { subjectId: other, resourceId: other },
      ],
    });
    // The same event again (a redelivery after a crash): the inbox keeps it from being stored twice.
    await fx.entry(tenantId, client, { action: 'content.read', actorId: pro }, { id: single.id });

    const rows = await fx.records(tenantId, 3);
    const byAction = (a: string) => rows.filter((r) => r.action === a);
    expect(byAction('content.read')).toHaveLength(1);
    expect(byAction('content.read')[0]).toMatchObject({
      event_id: single.id,
      outcome: 'success',
      actor_role: 'professional',
      object_type: 'content.diary',
      object_id: 'diary-1',
      sensitivity: 'health',
      basis: 'colleague_link',
      source_service: 'content',
      source_address: '203.0.113.7',
      request_id: single.payload.requestId,
    });
    expect(byAction('caseload.read')).toHaveLength(2);
    // People are pseudonyms in the log: no record holds a person's id, the object id of a person included.
    for (const row of rows) expect(JSON.stringify(row)).not.toMatch(new RegExp(`${client}|${pro}|${other}`));
    const mapped = await fx.db.query<{ subject_id: string }>(
      `SELECT subject_id FROM ${fx.schema}.subject_pseudonym WHERE tenant_id = $1 ORDER BY subject_id`,
      [tenantId],
    );
    expect(mapped.map((m) => m.subject_id).sort()).toEqual([client, other, pro].sort());
    // Redelivery happened (the inbox saw both), but there is no fourth record.
    await expectEventually(async () =>
      expect(
        await fx.db.query(`SELECT 1 FROM ${fx.schema}.inbox WHERE event_id = $1`, [single.id]),
      ).toHaveLength(1),
    );
    expect(await fx.verify(tenantId)).toMatchObject({ ok: true, records: 3 });
  });

  it('the runtime role may read and append but not update or delete; the trigger refuses everyone but the owner', async () => {
    await fx.entry(tenantId, client, { action: 'caseload.read', actorId: pro });
    const runtime = new Client({ connectionString: fx.service.env.DATABASE_URL });
    await runtime.connect();
    try {
      await expect(runtime.query(`SELECT count(*) FROM audit_record`)).resolves.toBeDefined();
      await expect(runtime.query(`UPDATE audit_record SET outcome = 'failure'`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(runtime.query(`DELETE FROM audit_record`)).rejects.toThrow(/permission denied/);
      await expect(runtime.query(`TRUNCATE audit_record`)).rejects.toThrow(/permission denied/);
      await expect(runtime.query(`DELETE FROM audit_checkpoint`)).rejects.toThrow(/permission denied/);
    } finally {
      await runtime.end();
    }
    // Even a role with the privilege (here the superuser) meets the trigger.
    await expect(fx.db.query(`UPDATE ${fx.schema}.audit_record SET outcome = 'failure'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(fx.db.query(`DELETE FROM ${fx.schema}.audit_record`)).rejects.toThrow(/append-only/);
    // The owner (the retention sweep's role) may.
    const owner = new Client({ connectionString: fx.service.env.DATABASE_OWNER_URL });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      await expect(
        owner.query(`DELETE FROM audit_record WHERE tenant_id = $1`, [randomUUID()]),
      ).resolves.toBeDefined();
      await owner.query('ROLLBACK');
    } finally {
      await owner.end();
    }
  });

  it("refuses the other region: a UK region's internal token is 401, a UK region's entry goes to the DLQ and is not recorded", async () => {
    const ukClient = { id: randomUUID(), tenantId: randomUUID(), role: 'client' as const };
    const ukToken = signInternalToken({ ...fx.actor(ukClient), region: 'uk' }, testSigningKey, 'audit');
    const refused = await request(fx.service.url)
      .get('/audit/me/contact-history')
      .set('authorization', `Bearer ${ukToken}`)
      .set('x-client-address', TEST_CLIENT_ADDRESS)
      .expect(401);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The control: the same person's token of this region is let in.
    await fx.as(ukClient).get('/audit/me/contact-history').expect(200);

    // An access in an organisation of the UK region, as the UK region's services would record it.
    const ukTenantId = randomUUID();
    const dlq = await collectTopics([`${fx.prefix}${dlqTopic(auditEntryRecordedV1.topic)}`]);
    try {
      const uk = await publishEvent(
        fx.prefix,
        auditEntryRecordedV1,
        {
          action: 'content.read',
          actorId: randomUUID(),
          outcome: 'success',
          actorRole: 'professional',
          resource: 'content.report',
          resourceId: randomUUID(),
          sourceAddress: '203.0.113.7',
          requestId: randomUUID(),
        },
        { tenantId: ukTenantId, subjectId: randomUUID(), region: 'uk' },
      );
      // Dead-lettered by audit itself: its handling of the event is over, and it recorded nothing.
      const dead = await expectEventually(() => {
        const found = dlq.messages.filter((m) => m.headers!['event-id']?.toString() === uk.id);
        expect(found).toHaveLength(1);
        return found[0];
      });
      expect(dead.headers!['dlq-service']!.toString()).toBe('audit');
      expect(dead.headers!['dlq-reason']!.toString()).toBe('event of region uk refused by region eea');
      expect(
        await fx.db.query(`SELECT 1 FROM ${fx.schema}.audit_record WHERE tenant_id = $1`, [ukTenantId]),
      ).toHaveLength(0);
      expect(await fx.db.query(`SELECT 1 FROM ${fx.schema}.inbox WHERE event_id = $1`, [uk.id])).toHaveLength(
        0,
      );
    } finally {
      await dlq.stop();
    }
  });
  it('a batch of messages in one send: per organisation one chain in message order, a repeated event once, an invalid one dead-lettered, a checkpoint every 1,000 records', async () => {
    const [orgA, orgB] = [randomUUID(), randomUUID()];
    const envelope = (tenant: string, subjects: number, id = uuidv7()) =>
      auditEntryBatchRecordedV1.message.parse({
        id,
        type: auditEntryBatchRecordedV1.topic,
        occurredAt: new Date().toISOString(),
        tenantId: tenant,
        region: 'eea',
        subjectId: null,
        traceparent: null,
        payload: {
          action: 'caseload.read',
          outcome: 'success',
          actorId: pro,
          actorRole: 'professional',
          resource: 'caseload.entry',
          subjects: Array.from({ length: subjects }, () => {
            const id = randomUUID();
            return { subjectId: id, resourceId: id };
          }),
          sourceAddress: '203.0.113.7',
          requestId: randomUUID(),
          basis: 'caseload_assignment',
        },
      });
    const events = [envelope(orgA, 400), envelope(orgB, 2), envelope(orgA, 400), envelope(orgA, 400)];
    const dlq = await collectTopics([`${fx.prefix}${dlqTopic(auditEntryBatchRecordedV1.topic)}`]);
    const invalid = { ...events[1], id: uuidv7(), payload: { ...events[1].payload, subjects: [] } };
    await publishRaw(
      `${fx.prefix}${auditEntryBatchRecordedV1.topic}`,
      [...events, events[0], invalid].map((e) => ({
        key: 'one-partition',
        value: JSON.stringify(e),
        headers: { 'event-id': e.id },
      })),
    );
    const rowsA = await fx.records(orgA, 1200);
    await fx.records(orgB, 2);
    // Message order: the first event's subjects first, then the third's, then the fourth's.
    const expected = [events[0], events[2], events[3]].flatMap((e) => e.payload.subjects.map(() => e.id));
    expect(rowsA.map((r) => r.event_id)).toEqual(expected);
    expect(await fx.verify(orgA)).toMatchObject({ ok: true, records: 1200 });
    expect(await fx.verify(orgB)).toMatchObject({ ok: true, records: 2 });
    const checkpoints = await fx.db.query<{ position: string }>(
      `SELECT position FROM ${fx.schema}.audit_checkpoint WHERE tenant_id = $1 AND kind = 'periodic'`,
      [orgA],
    );
    expect(checkpoints.map((c) => Number(c.position))).toEqual([1000]);
    const dead = await expectEventually(() => {
      const found = dlq.messages.filter((m) => m.headers!['event-id']?.toString() === invalid.id);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(dead.headers!['dlq-reason']!.toString()).toMatch(/subjects/);
    await dlq.stop();
  });
});
