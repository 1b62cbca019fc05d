import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  dlqTopic,
  identityUserProfileChangedV1,
  messagingErasureCompletedV1,
  messagingExportCompletedV1,
  retentionErasureRequestedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import { SubjectDataCipher, SubjectKeyShreddedError } from '@therapy-room/data-protection';
import { expectEventually, publishEvent } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';

/** Messaging's part of retention's sagas: export (JSON file + confirmation) and erasure (rows + key). */
describe('messaging: export and erasure', () => {
  let fx: MessagingFixture;
  const tenantId = randomUUID();
  let pro: Person, colleague: Person, client: Person, bystander: Person;

  const count = async (sql: string, params: unknown[]) => (await fx.db.query(sql, params)).length;
  const keys = async (subjectId: string) =>
    (await fx.db.keysQuery(`SELECT 1 FROM messaging.subject_data_key WHERE subject_id = $1`, [subjectId]))
      .length;

  beforeAll(async () => {
    fx = await startMessaging([
      messagingErasureCompletedV1.topic,
      messagingExportCompletedV1.topic,
      dlqTopic(retentionExportRequestedV1.topic),
      dlqTopic(retentionErasureRequestedV1.topic),
    ]);
    [pro, colleague, client, bystander] = await fx.people(tenantId, [
      { role: 'professional', name: 'Petra Pro' },
      { role: 'professional', name: 'Cees Colleague' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Bo Bystander' },
    ]);
    await fx.grant(pro, client);
    await fx.grant(colleague, client);
    await fx.grant(pro, bystander);
  });
  afterAll(() => fx?.stop());

  it('export: the client’s conversations in clear as messaging.json under EXPORT_ROOT, confirmed with its sha256', async () => {
    const withPro = await fx.start(pro, client);
    const withColleague = await fx.start(client, colleague);
    await fx.send(pro, withPro, 'How did the exposure exercise go?').expect(201);
    await fx.send(client, withPro, 'I managed ten minutes on the bus.').expect(201);
    await fx.as(pro).post(`/messaging/conversations/${withPro}/read`, {}).expect(200);
    await fx.send(client, withColleague, 'Hello Cees').expect(201);
    await fx.as(client).put('/messaging/preferences', { emailNotifications: false }).expect(200);
    const other = await fx.start(pro, bystander);
    await fx.send(pro, other, 'Not Karel’s business').expect(201);

    const requestId = randomUUID();
    const location = pathToFileURL(join(fx.exportRoot, requestId)).href + '/';
    await publishEvent(
      fx.prefix,
      retentionExportRequestedV1,
      { requestId, location },
      { tenantId, subjectId: client.id },
    );
    const confirmation = await expectEventually(() => {
      const found = fx
        .events(messagingExportCompletedV1.topic)
        .find((e) => e.payload.requestId === requestId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(confirmation.subjectId).toBe(client.id);
    const file = fileURLToPath(confirmation.payload.file as string);
    expect(file).toBe(join(fx.exportRoot, requestId, 'messaging.json'));
    const raw = readFileSync(file);
    expect(createHash('sha256').update(raw).digest('hex')).toBe(confirmation.payload.sha256);
    const data = JSON.parse(raw.toString('utf8'));
    expect(data).toMatchObject({
      service: 'messaging',
      subjectId: client.id,
      notificationPreferences: { emailNotifications: false, chosen: true },
    });
    expect(data.conversations).toHaveLength(2);
    const exported = data.conversations.find((c: { id: string }) => c.id === withPro);
    expect(exported).toMatchObject({
      professional: { id: pro.id, displayName: 'Petra Pro' },
      startedBy: 'professional',
      messages: [
        // Answering reads what came before.
        { from: 'professional', body: 'How did the exposure exercise go?', readByRecipient: true },
        { from: 'client', body: 'I managed ten minutes on the bus.', readByRecipient: true },
      ],
    });
    expect(raw.toString('utf8')).not.toContain('Not Karel');
  });

  it('export: a location outside EXPORT_ROOT goes to the DLQ with the reason; nothing is written or confirmed', async () => {
    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionExportRequestedV1,
      { requestId, location: `file:///tmp/elsewhere-${requestId}/` },
      { tenantId, subjectId: client.id },
    );
    await expectEventually(() => {
      const dead = fx.events(dlqTopic(retentionExportRequestedV1.topic));
      expect(dead.some((e) => e.payload.requestId === requestId)).toBe(true);
    });
    expect(fx.events(messagingExportCompletedV1.topic).some((e) => e.payload.requestId === requestId)).toBe(
      false,
    );
  });

  it('erasure of a client: conversations, messages, read state, preference and data key deleted; confirmed; sealed copies never open again', async () => {
    const conversation = await fx.start(pro, client);
    const sent = await fx.send(client, conversation, 'Please forget all of this').expect(201);
    const [copy] = await fx.db.query<{ body_sealed: Buffer }>(
      `SELECT body_sealed FROM messaging.message WHERE id = $1`,
      [sent.body.id],
    );
    const bystanderConversation = await fx.start(pro, bystander);
    // A grant that ended: messaging's copy keeps it until the erasure.
    await fx.grant(colleague, client, {
      kind: 'link',
      validFrom: new Date(Date.now() - 2 * 86_400_000),
      validUntil: new Date(Date.now() - 86_400_000),
    });
    const grants = (clientId: string) =>
      count(`SELECT 1 FROM messaging.caseload_access_grant WHERE client_id = $1`, [clientId]);
    expect(await grants(client.id)).toBe(3);
    const bystanderGrants = await grants(bystander.id);
    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'client_request' },
      { tenantId, subjectId: client.id },
    );
    const confirmation = await expectEventually(() => {
      const found = fx
        .events(messagingErasureCompletedV1.topic)
        .find((e) => e.payload.requestId === requestId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(confirmation.payload.counts).toMatchObject({ caseload_access_grant: 3, people: 1 });
    // Every grant of the client, ended or not, is gone (remembered as revoked); the bystander's stay.
    expect(await grants(client.id)).toBe(0);
    expect(await grants(bystander.id)).toBe(bystanderGrants);
    expect(await count(`SELECT 1 FROM messaging.conversation WHERE client_id = $1`, [client.id])).toBe(0);
    expect(
      await count(`SELECT 1 FROM messaging.message WHERE tenant_id = $1 AND sender_id = $2`, [
        tenantId,
        client.id,
      ]),
    ).toBe(0);
    expect(await count(`SELECT 1 FROM messaging.participant WHERE user_id = $1`, [client.id])).toBe(0);
    expect(await keys(client.id)).toBe(0);
    expect(
      await count(`SELECT 1 FROM messaging.notification_preference WHERE user_id = $1`, [client.id]),
    ).toBe(0);
    expect(await count(`SELECT 1 FROM messaging.person WHERE id = $1`, [client.id])).toBe(0);
    expect(await count(`SELECT 1 FROM messaging.erased_subject WHERE id = $1`, [client.id])).toBe(1);
    // A copy of the sealed body (a backup) no longer opens: the key is gone.
    await expect(
      fx.service.app
        .get(SubjectDataCipher)
        .decrypt(client.id, `message.body:${sent.body.id}`, copy.body_sealed),
    ).rejects.toBeInstanceOf(SubjectKeyShreddedError);
    // Someone else's conversation is untouched.
    await fx.as(bystander).get(`/messaging/conversations/${bystanderConversation}`).expect(200);
    // A late identity event does not bring the client back, so no conversation can be started with them.
    const late = await publishEvent(
      fx.prefix,
      identityUserProfileChangedV1,
      { userId: client.id, displayName: 'Karel Again' },
      { tenantId, subjectId: client.id },
    );
    // Handled (its effect committed, or not) once the inbox holds its id.
    await expectEventually(async () =>
      expect(await count(`SELECT 1 FROM messaging.inbox WHERE event_id = $1`, [late.id])).toBe(1),
    );
    expect(await count(`SELECT 1 FROM messaging.person WHERE id = $1`, [client.id])).toBe(0);
    await fx.as(pro).post('/messaging/conversations', { clientId: client.id }).expect(404);
  });

  it('an erasure request of another organisation naming our client touches nothing (dead letter, no confirmation)', async () => {
    await fx.grant(pro, bystander);
    const conversation = await fx.start(pro, bystander);
    await fx.send(bystander, conversation, 'Still here').expect(201);
    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'client_request' },
      { tenantId: randomUUID(), subjectId: bystander.id },
    );
    await expectEventually(() => {
      const dead = fx.events(dlqTopic(retentionErasureRequestedV1.topic));
      expect(dead.some((e) => e.payload.requestId === requestId)).toBe(true);
    });
    expect(fx.events(messagingErasureCompletedV1.topic).some((e) => e.payload.requestId === requestId)).toBe(
      false,
    );
    expect(await count(`SELECT 1 FROM messaging.person WHERE id = $1`, [bystander.id])).toBe(1);
    expect(await count(`SELECT 1 FROM messaging.erased_subject WHERE id = $1`, [bystander.id])).toBe(0);
    expect(await keys(bystander.id)).toBe(1);
    const kept = await fx.as(bystander).get(`/messaging/conversations/${conversation}/messages`).expect(200);
    expect(kept.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ body: 'Still here' })]),
    );
  });

  it('erasure of someone messaging never heard of is confirmed too; a professional’s erasure leaves clients’ records', async () => {
    const unknown = randomUUID();
    const requestId = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId, reason: 'retention_expired' },
      { tenantId, subjectId: unknown },
    );
    await fx.grant(colleague, bystander);
    const conversation = await fx.start(colleague, bystander);
    await fx.send(bystander, conversation, 'Thank you for everything').expect(201);
    const proRequest = randomUUID();
    await publishEvent(
      fx.prefix,
      retentionErasureRequestedV1,
      { requestId: proRequest, reason: 'client_request' },
      { tenantId, subjectId: colleague.id },
    );
    await expectEventually(() => {
      const done = fx.events(messagingErasureCompletedV1.topic).map((e) => e.payload.requestId);
      expect(done).toEqual(expect.arrayContaining([requestId, proRequest]));
    });
    expect(await count(`SELECT 1 FROM messaging.erased_subject WHERE id = $1`, [unknown])).toBe(1);
    const kept = await fx.as(bystander).get(`/messaging/conversations/${conversation}/messages`).expect(200);
    expect(kept.body.items).toEqual([expect.objectContaining({ body: 'Thank you for everything' })]);
    const view = await fx.as(bystander).get(`/messaging/conversations/${conversation}`).expect(200);
    expect(view.body.counterpart).toEqual({ id: colleague.id, displayName: null, role: 'professional' });
  });
});
