import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  contentErasureCompletedV1,
  contentExportCompletedV1,
  retentionErasureRequestedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { expectEventually, publishEvent } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

const NOTE = 'Felt shaky before the school run';
const ANSWER = 'Told myself I am useless at everything';

describe("content's part of export and erasure (real PostgreSQL and Kafka)", () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  let pro: Person, client: Person, bystander: Person;

  beforeAll(async () => {
    fx = await startContent([
      contentErasureCompletedV1.topic,
      contentExportCompletedV1.topic,
      `${retentionExportRequestedV1.topic}.dlq`,
      `${retentionErasureRequestedV1.topic}.dlq`,
    ]);
    [pro, client, bystander] = fx.people(tenant, ['professional', 'client', 'client']);
    await fx.grant(pro, client);
    await fx.grant(pro, bystander);
    for (const c of [client, bystander]) {
      const diary = (
        await fx
          .as(pro)
          .post('/content/assignments', { clientId: c.id, toolId: fx.tool('blood-glucose-diary').toolId })
          .expect(201)
      ).body;
      await fx
        .as(c)
        .post(`/content/assignments/${diary.id}/diary-entries`, {
          values: { glucose: 4.2, moment: 'fasting', time: '06:45', note: NOTE },
        })
        .expect(201);
      const module = (
        await fx
          .as(pro)
          .post('/content/assignments', { clientId: c.id, toolId: fx.tool('cbt-low-mood').toolId })
          .expect(201)
      ).body;
      await fx
        .as(c)
        .put(`/content/assignments/${module.id}/pages/session-3/thought-record`, {
          answers: { situation: ANSWER, 'belief-before': 80 },
        })
        .expect(200);
      const q = (
        await fx
          .as(pro)
          .post('/content/assignments', { clientId: c.id, toolId: fx.tool('phq-9').toolId })
          .expect(201)
      ).body;
      await fx
        .as(c)
        .post(`/content/assignments/${q.id}/responses`, {
          answers: {
            'phq9-1': 3,
            'phq9-2': 3,
            'phq9-3': 2,
            'phq9-4': 2,
            'phq9-5': 1,
            'phq9-6': 1,
            'phq9-7': 0,
            'phq9-8': 0,
            'phq9-9': 1,
          },
        })
        .expect(201);
      await fx.as(c).post(`/content/clients/${c.id}/report-shares`, { days: 3 }).expect(201);
    }
  });
  afterAll(() => fx?.stop());

  const count = async (table: string, clientId: string) =>
    Number(
      (
        await fx.db.query<{ n: string }>(`SELECT count(*) AS n FROM content.${table} WHERE client_id = $1`, [
          clientId,
        ])
      )[0].n,
    );

  it('exports the client’s tools, answers, entries and scores as JSON (texts decrypted) and confirms with its hash', async () => {
    const requestId = randomUUID();
    const location = pathToFileURL(join(fx.exportRoot, requestId)).href;
    await publishEvent(
      fx.prefix,
      retentionExportRequestedV1,
      { requestId, location },
      { tenantId: tenant, subjectId: client.id },
    );
    const confirmed = await expectEventually(() => {
      const e = fx.events(contentExportCompletedV1.topic).find((m) => m.payload.requestId === requestId);
      expect(e).toBeDefined();
      return e!;
    });
    const file = fileURLToPath(confirmed.payload.file as string);
    expect(file).toBe(join(fx.exportRoot, requestId, 'content.json'));
    const raw = readFileSync(file);
    expect(createHash('sha256').update(raw).digest('hex')).toBe(confirmed.payload.sha256);
    const data = JSON.parse(raw.toString('utf8'));
    expect(data).toMatchObject({ service: 'content', subjectId: client.id });
    const byKey = (key: string) => data.tools.find((t: { toolKey: string }) => t.toolKey === key);
    expect(byKey('blood-glucose-diary').diaryEntries[0].values).toEqual({
      glucose: 4.2,
      moment: 'fasting',
      time: '06:45',
      note: NOTE,
    });
    expect(byKey('cbt-low-mood').answers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ blockKey: 'situation', value: ANSWER }),
        expect.objectContaining({ blockKey: 'belief-before', value: 80 }),
      ]),
    );
    expect(byKey('phq-9').responses[0]).toMatchObject({ total: 13, band: 'moderate', flags: ['self_harm'] });
    expect(data.reportShares).toHaveLength(1);
    expect(JSON.stringify(data)).not.toContain(bystander.id);
    expect(JSON.stringify(confirmed)).not.toContain(NOTE);
  });

  it('refuses an export location outside EXPORT_ROOT (dead letter, nothing written)', async () => {
    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionExportRequestedV1,
      { requestId, location: 'file:///etc/therapy-room-export' },
      { tenantId: tenant, subjectId: client.id },
    );
    await expectEventually(() => {
      expect(fx.events(`${retentionExportRequestedV1.topic}.dlq`).length).toBeGreaterThan(0);
    });
    expect(fx.events(contentExportCompletedV1.topic).some((e) => e.payload.requestId === requestId)).toBe(
      false,
    );
  });

  it('an erasure or export request of another organisation naming our client touches nothing (dead letter)', async () => {
    const otherTenant = randomUUID();
    const before = await Promise.all(
      ['assignment', 'diary_entry', 'module_answer', 'report_share'].map((t) => count(t, bystander.id)),
    );
    const erasure = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId: erasure, reason: 'client_request' },
      { tenantId: otherTenant, subjectId: bystander.id },
    );
    const exportId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionExportRequestedV1,
      { requestId: exportId, location: pathToFileURL(join(fx.exportRoot, exportId)).href },
      { tenantId: otherTenant, subjectId: bystander.id },
    );
    await expectEventually(() => {
      expect(
        fx.events(`${retentionErasureRequestedV1.topic}.dlq`).some((e) => e.payload.requestId === erasure),
      ).toBe(true);
      expect(
        fx.events(`${retentionExportRequestedV1.topic}.dlq`).some((e) => e.payload.requestId === exportId),
      ).toBe(true);
    });
    expect(fx.events(contentErasureCompletedV1.topic).some((e) => e.payload.requestId === erasure)).toBe(
      false,
    );
    expect(
      await Promise.all(
        ['assignment', 'diary_entry', 'module_answer', 'report_share'].map((t) => count(t, bystander.id)),
      ),
    ).toEqual(before);
    expect(
      await fx.db.keysQuery(`SELECT 1 FROM content.subject_data_key WHERE subject_id = $1`, [bystander.id]),
    ).toHaveLength(1);
    expect(await fx.db.query(`SELECT 1 FROM content.erased_subject WHERE id = $1`, [bystander.id])).toEqual(
      [],
    );
  });

  it('erases the client’s rows and data key, keeps the bystander’s, confirms, and is safe to redeliver', async () => {
    // A grant that ended (a colleague's time-boxed link): content's copy keeps it until the erasure.
    const colleague = fx.people(tenant, ['professional'])[0];
    const ended = await fx.grant(colleague, client, {
      kind: 'link',
      validFrom: new Date(Date.now() - 2 * 86_400_000),
      validUntil: new Date(Date.now() - 86_400_000),
    });
    const grants = async (clientId: string) =>
      Number(
        (
          await fx.db.query<{ n: string }>(
            `SELECT count(*) AS n FROM content.caseload_access_grant WHERE client_id = $1`,
            [clientId],
          )
        )[0].n,
      );
    expect(await grants(client.id)).toBe(2);
    const bystanderGrants = await grants(bystander.id);
    expect(bystanderGrants).toBeGreaterThan(0);
    const [sealed] = await fx.db.query<{ sealed_text: Buffer; id: string }>(
      `SELECT id, sealed_text FROM content.diary_entry WHERE client_id = $1`,
      [client.id],
    );
    // Events the relay gave up on (parked): the client's goes with the erasure, the bystander's stays.
    const parked = async (subjectId: string) => {
      const eventId = randomUUID();
      await fx.db.query(
        `INSERT INTO content.outbox (event_id, topic, message_key, message, parked_at, attempts)
         VALUES ($1, 'content.session.completed.v1', $2, $3, now(), 10)`,
        [eventId, subjectId, JSON.stringify({ id: eventId, subjectId, payload: {} })],
      );
      return eventId;
    };
    const clientParked = await parked(client.id);
    const bystanderParked = await parked(bystander.id);
    const requestId = randomUUID();
    const event = await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'client_request' },
      { tenantId: tenant, subjectId: client.id },
    );
    const confirmation = await expectEventually(() => {
      const found = fx.events(contentErasureCompletedV1.topic).find((e) => e.payload.requestId === requestId);
      expect(found).toBeDefined();
      return found!;
    });
    // Counts of what went, for the erasure certificate: the diary, the module and the questionnaire.
    expect(confirmation.payload.counts).toMatchObject({
      assignment: 3,
      diary_entry: 1,
      questionnaire_response: 1,
      report_share: 1,
      caseload_access_grant: 2,
      data_keys: 1,
      parked_events: 1,
    });
    // The grants are gone, ended or not, and remembered as revoked (a redelivered grant stays ended);
    // the bystander's are kept.
    expect(await grants(client.id)).toBe(0);
    expect(await grants(bystander.id)).toBe(bystanderGrants);
    expect(
      await fx.db.query(`SELECT 1 FROM content.caseload_access_revoked_grant WHERE grant_id = $1`, [ended]),
    ).toHaveLength(1);
    expect(
      (
        await fx.db.query<{ event_id: string }>(
          `SELECT event_id FROM content.outbox WHERE parked_at IS NOT NULL`,
        )
      ).map((r) => r.event_id),
    ).toEqual(expect.arrayContaining([bystanderParked]));
    expect(
      await fx.db.query(`SELECT 1 FROM content.outbox WHERE event_id = $1`, [clientParked]),
    ).toHaveLength(0);
    for (const table of [
      'assignment',
      'module_answer',
      'diary_entry',
      'questionnaire_response',
      'flag',
      'report_share',
      'page_progress',
    ]) {
      expect(await count(table, client.id)).toBe(0);
    }
    expect(
      await fx.db.keysQuery(`SELECT 1 FROM content.subject_data_key WHERE subject_id = $1`, [client.id]),
    ).toHaveLength(0);
    expect(await fx.db.query(`SELECT 1 FROM content.erased_subject WHERE id = $1`, [client.id])).toHaveLength(
      1,
    );
    expect(await count('assignment', bystander.id)).toBe(3);
    expect(await count('diary_entry', bystander.id)).toBe(1);

    // A copy of the ciphertext (a backup) no longer opens: the key is gone.
    await expect(
      fx.service.app
        .get(SubjectDataCipher)
        .decrypt(client.id, `diary_entry:${sealed.id}`, sealed.sealed_text),
    ).rejects.toThrow(/no longer exists/);

    // Redelivery: no second effect, no second confirmation.
    await publishEvent(fx.prefix, retentionErasureRequestedV1, event.payload, {
      tenantId: tenant,
      subjectId: client.id,
      id: event.id,
    });
    // A later request for the same subject (same key, so handled after the redelivery) marks the point.
    const marker = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId: marker, reason: 'client_request' },
      { tenantId: tenant, subjectId: client.id },
    );
    await expectEventually(() =>
      expect(fx.events(contentErasureCompletedV1.topic).map((e) => e.payload.requestId)).toContain(marker),
    );
    expect(
      fx.events(contentErasureCompletedV1.topic).filter((e) => e.payload.requestId === requestId),
    ).toHaveLength(1);
    // The later request found nothing left to delete, and says so.
    const again = fx.events(contentErasureCompletedV1.topic).find((e) => e.payload.requestId === marker)!;
    expect(Object.values(again.payload.counts ?? { missing: 1 }).every((n) => n === 0)).toBe(true);

    // Nothing can be assigned to the erased client any more (no grant left, and the tombstone).
    const res = await fx
      .as(pro)
      .post('/content/assignments', { clientId: client.id, toolId: fx.tool('gad-7').toolId })
      .expect(400);
    expect(res.body.errors).toEqual([{ path: 'clientId', message: 'is not a client in your caseload' }]);
  });

  it('confirms an erasure even when content held nothing about the subject', async () => {
    const requestId = randomUUID();
    const nobody = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'retention_expired' },
      { tenantId: tenant, subjectId: nobody },
    );
    await expectEventually(() => {
      const e = fx.events(contentErasureCompletedV1.topic).find((m) => m.payload.requestId === requestId);
      expect(e?.subjectId).toBe(nobody);
    });
  });
});
