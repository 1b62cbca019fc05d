import { randomUUID } from 'node:crypto';
import { messagingMessageSentV1, messagingNotificationDueV1 } from '@therapy-room/contracts';
import { Clock } from '@therapy-room/platform';
import { expectEventually } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';

/**
 * Messaging's side of notification e-mails: when it publishes messaging.notification.due.v1 (ids only)
 * for identity to mail. At most one per conversation per interval, none while the recipient reads, none
 * when they turned notices off. (The mail itself: messaging-through-gateway.e2e-spec.ts.)
 */
describe('messaging: notification rules', () => {
  let fx: MessagingFixture;
  const tenantId = randomUUID();
  let pro: Person, client: Person, reader: Person, optedOut: Person;
  /** The time as messaging sees it: moved by the test past an interval, instead of waiting it out. */
  let now: number;
  const wait = (seconds: number) => {
    now += seconds * 1000;
  };

  const notices = (recipientId: string) =>
    fx.events(messagingNotificationDueV1.topic).filter((e) => e.payload.recipientId === recipientId);
  const lastNotifiedAt = async (conversationId: string, userId: string) =>
    (
      await fx.db.query<{ at: Date | null }>(
        `SELECT last_notified_at AS at FROM messaging.participant WHERE conversation_id = $1 AND user_id = $2`,
        [conversationId, userId],
      )
    )[0].at;

  beforeAll(async () => {
    fx = await startMessaging([messagingNotificationDueV1.topic, messagingMessageSentV1.topic], {
      MESSAGING_NOTIFY_INTERVAL_SECONDS: '3',
      MESSAGING_NOTIFY_READING_SECONDS: '2',
      MESSAGING_SSE_HEARTBEAT_SECONDS: '1',
    });
    now = Date.now();
    jest.spyOn(fx.service.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    [pro, client, reader, optedOut] = await fx.people(tenantId, [
      { role: 'professional', name: 'Petra Pro' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Rita Reader' },
      { role: 'client', name: 'Otto Optout' },
    ]);
    await fx.grant(pro, client);
    await fx.grant(pro, reader);
    await fx.grant(pro, optedOut);
  });
  afterAll(() => fx?.stop());

  it('one notice per conversation per interval, ids only, to the recipient (never the sender)', async () => {
    const conversation = await fx.start(pro, client);
    await fx.send(pro, conversation, 'First message').expect(201);
    const firstAt = await lastNotifiedAt(conversation, client.id);
    expect(firstAt).not.toBeNull();
    await fx.send(pro, conversation, 'Second, straight after').expect(201);
    expect(await lastNotifiedAt(conversation, client.id)).toEqual(firstAt);
    await expectEventually(() => expect(notices(client.id)).toHaveLength(1));
    expect(notices(client.id)[0]).toMatchObject({
      subjectId: client.id,
      tenantId,
      payload: { recipientId: client.id, conversationId: conversation },
    });
    expect(Object.keys(notices(client.id)[0].payload).sort()).toEqual(['conversationId', 'recipientId']);
    expect(notices(pro.id)).toHaveLength(0);

    wait(2.9);
    await fx.send(pro, conversation, 'Still inside the interval').expect(201);
    expect(await lastNotifiedAt(conversation, client.id)).toEqual(firstAt);
    wait(0.2);
    await fx.send(pro, conversation, 'After the interval').expect(201);
    await expectEventually(() => expect(notices(client.id)).toHaveLength(2));
    // Having just written, the professional counts as reading: the client's immediate answer is no mail.
    await fx.send(client, conversation, 'Thanks!').expect(201);
    expect(await lastNotifiedAt(conversation, pro.id)).toBeNull();
    // Once they are away, the client's next message is (their own throttle, not the client's).
    wait(2.1);
    await fx.send(client, conversation, 'One more thing').expect(201);
    await expectEventually(() => expect(notices(pro.id)).toHaveLength(1));
  });

  it('not while the recipient reads: a live tab open, or the conversation opened moments ago', async () => {
    const conversation = await fx.start(pro, reader);
    const stream = await fx.stream(reader);
    try {
      expect(stream.status).toBe(200);
      await fx.send(pro, conversation, 'You are online').expect(201);
      expect(await lastNotifiedAt(conversation, reader.id)).toBeNull();
    } finally {
      await stream.close();
    }
    // The tab closed: its presence row is gone at once.
    await expectEventually(async () => {
      const rows = await fx.db.query(`SELECT 1 FROM messaging.presence WHERE user_id = $1`, [reader.id]);
      expect(rows).toHaveLength(0);
    });
    await fx.as(reader).get(`/messaging/conversations/${conversation}/messages`).expect(200);
    await fx.send(pro, conversation, 'You just looked').expect(201);
    expect(await lastNotifiedAt(conversation, reader.id)).toBeNull();
    wait(1.9);
    await fx.send(pro, conversation, 'Still just looked').expect(201);
    expect(await lastNotifiedAt(conversation, reader.id)).toBeNull();
    wait(0.2);
    await fx.send(pro, conversation, 'Now you are away').expect(201);
    expect(await lastNotifiedAt(conversation, reader.id)).not.toBeNull();
    await expectEventually(() => expect(notices(reader.id)).toHaveLength(1));
  });

  it('a user who turned notices off gets none; turning them on again works', async () => {
    expect((await fx.as(optedOut).get('/messaging/preferences').expect(200)).body).toEqual({
      emailNotifications: true,
    });
    await fx.as(optedOut).put('/messaging/preferences', { emailNotifications: false }).expect(200);
    expect((await fx.as(optedOut).get('/messaging/preferences').expect(200)).body).toEqual({
      emailNotifications: false,
    });
    const conversation = await fx.start(pro, optedOut);
    await fx.send(pro, conversation, 'Quiet please').expect(201);
    expect(await lastNotifiedAt(conversation, optedOut.id)).toBeNull();
    await fx.as(optedOut).put('/messaging/preferences', { emailNotifications: true }).expect(200);
    await fx.send(pro, conversation, 'Loud again').expect(201);
    await expectEventually(() => expect(notices(optedOut.id)).toHaveLength(1));
    const bad = await fx
      .as(optedOut)
      .put('/messaging/preferences', { emailNotifications: 'yes' })
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'emailNotifications' })]);
  });
});
