import { randomUUID } from 'node:crypto';
import { auditErasureCompletedV1, retentionErasureRequestedV1 } from '@therapy-room/contracts';
import { expectEventually, publishEvent } from '@therapy-room/testing';
import { startAudit, type AuditFixture } from '../support/audit-fixture';

/** Erasure in the audit log: the records and the chain stay, the mapping that named the person goes. */
describe('audit: erasure', () => {
  let fx: AuditFixture;
  const tenantId = randomUUID();
  const pro = randomUUID();
  const client = randomUUID();
  const bystander = randomUUID();

  beforeAll(async () => {
    fx = await startAudit([auditErasureCompletedV1.topic], { AUDIT_CHECKPOINT_EVERY_RECORDS: '2' });
  });
  afterAll(() => fx?.stop());

  const mappedIds = async () =>
    (
      await fx.db.query<{ subject_id: string }>(
        `SELECT subject_id FROM ${fx.schema}.subject_pseudonym WHERE tenant_id = $1`,
        [tenantId],
      )
    ).map((r) => r.subject_id);

  it('deletes the pseudonym mapping, keeps every record, confirms, and the chain still verifies', async () => {
    await fx.entry(tenantId, client, { action: 'content.read', actorId: pro });
    await fx.entry(tenantId, client, { action: 'content.write', actorId: client, actorRole: 'client' });
    await fx.entry(tenantId, bystander, { action: 'content.read', actorId: pro });
    await fx.records(tenantId, 3);
    expect((await mappedIds()).sort()).toEqual([bystander, client, pro].sort());

    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'client_request' },
      { tenantId, subjectId: client },
    );
    const confirmation = await expectEventually(() => {
      const found = fx.events(auditErasureCompletedV1.topic).find((e) => e.payload.requestId === requestId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(confirmation.subjectId).toBe(client);

    // The three records stay, plus the erasure's own record; nobody can say any more whom they are about.
    const rows = await fx.records(tenantId, 4);
    expect(rows.map((r) => r.action)).toContain('audit.erase');
    expect((await mappedIds()).sort()).toEqual([bystander, pro].sort());
    const clientPs = rows.find((r) => r.action === 'content.write')!.subject_ps as string;
    expect(rows.filter((r) => r.subject_ps === clientPs)).toHaveLength(3);
    expect(JSON.stringify(rows)).not.toContain(client);
    expect(await fx.verify(tenantId)).toMatchObject({ ok: true, records: 4 });

    // A late entry about the erased client is kept, but does not name them again.
    await fx.entry(tenantId, client, { action: 'content.read', actorId: pro });
    await fx.records(tenantId, 5);
    expect(await mappedIds()).not.toContain(client);
    expect(await fx.verify(tenantId)).toMatchObject({ ok: true, records: 5 });
  });

  it('confirms an erasure of someone the log never named, and records nothing', async () => {
    const requestId = randomUUID();
    const stranger = randomUUID();
    const otherTenant = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'retention_expired' },
      { tenantId: otherTenant, subjectId: stranger },
    );
    await expectEventually(() =>
      expect(
        fx.events(auditErasureCompletedV1.topic).find((e) => e.payload.requestId === requestId),
      ).toBeDefined(),
    );
    expect(
      await fx.db.query(`SELECT 1 FROM ${fx.schema}.audit_record WHERE tenant_id = $1`, [otherTenant]),
    ).toEqual([]);
  });
});
