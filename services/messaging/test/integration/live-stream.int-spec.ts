import { randomUUID } from 'node:crypto';
import { expectEventually } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';
import type { EventStream } from '../support/event-stream';

/**
 * The live stream (Server-Sent Events) straight from messaging, as the gateway opens it: new messages
 * and read markers reach the participants' open tabs, through Kafka (every replica hears every event),
 * with ids only; nobody else's tab hears anything.
 */
describe('messaging: live stream', () => {
  let fx: MessagingFixture;
  const tenantId = randomUUID();
  let pro: Person, client: Person, stranger: Person;
  const streams: EventStream[] = [];

  const open = async (p: Person) => {
    const stream = await fx.stream(p);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    fx = await startMessaging([], {
      MESSAGING_SSE_HEARTBEAT_SECONDS: '1',
      MESSAGING_SSE_MAX_STREAMS: '3',
    });
    [pro, client, stranger] = await fx.people(tenantId, [
      { role: 'professional', name: 'Petra Pro' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Sam Stranger' },
    ]);
    await fx.grant(pro, client);
  });
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await fx?.stop();
  });

  it('a new message and the read marker arrive in the open tabs of both participants, ids only', async () => {
    const conversation = await fx.start(pro, client);
    const clientTab = await open(client);
    const proTab = await open(pro);
    const strangerTab = await open(stranger);
    expect(clientTab.status).toBe(200);
    expect(clientTab.contentType).toContain('text/event-stream');
    await expectEventually(() => expect(clientTab.of('ready')).toHaveLength(1));

    // The broadcast consumer starts at the latest offset once it has joined: until then a message is
    // only in the database (and the app catches up with ?after=). Send until the first one is heard.
    const sent = await expectEventually(
      async () => {
        const res = await fx.send(pro, conversation, 'Secret words').expect(201);
        await expectEventually(
          () => expect(clientTab.of('message').some((e) => e.data.messageId === res.body.id)).toBe(true),
          { timeoutMs: 3000 },
        );
        return res.body as { id: string };
      },
      { timeoutMs: 30_000 },
    );
    const event = clientTab.of('message').find((e) => e.data.messageId === sent.id)!;
    expect(event.data).toEqual({
      conversationId: conversation,
      messageId: sent.id,
      senderId: pro.id,
      sentAt: expect.any(String),
    });
    expect(JSON.stringify(clientTab.events)).not.toContain('Secret');
    // The sender's own other tab hears it too.
    await expectEventually(() =>
      expect(proTab.of('message').some((e) => e.data.messageId === sent.id)).toBe(true),
    );

    await fx.as(client).post(`/messaging/conversations/${conversation}/read`, {}).expect(200);
    await expectEventually(() =>
      expect(proTab.of('read').at(-1)?.data).toMatchObject({
        conversationId: conversation,
        readerId: client.id,
        upToMessageId: expect.any(String),
      }),
    );
    expect(strangerTab.of('message')).toHaveLength(0);
    expect(strangerTab.of('read')).toHaveLength(0);
  });

  it('a professional who left the care team hears nothing more of the conversation', async () => {
    const [gone] = await fx.people(tenantId, [{ role: 'professional', name: 'Gert Gone' }]);
    const grant = await fx.grant(gone, client);
    const conversation = await fx.start(gone, client);
    await fx.send(gone, conversation, 'My last message before I leave').expect(201);
    const goneTab = await open(gone);
    const clientTab = await open(client);
    await expectEventually(() => {
      expect(goneTab.of('ready')).toHaveLength(1);
      expect(clientTab.of('ready')).toHaveLength(1);
    });
    await fx.revoke(grant);
    await fx.as(client).post(`/messaging/conversations/${conversation}/read`, {}).expect(200);
    // The same event reaches the client's tab (their own other tab hears their read marker)…
    await expectEventually(() =>
      expect(clientTab.of('read').some((e) => e.data.conversationId === conversation)).toBe(true),
    );
    // …but not the professional's: a heartbeat written to their tab after the delivery has arrived, and
    // the read event (which would have come before it on the same connection) has not.
    const beats = goneTab.comments;
    await expectEventually(() => expect(goneTab.comments).toBeGreaterThan(beats), { timeoutMs: 5000 });
    expect(goneTab.of('read')).toHaveLength(0);
  });

  it('heartbeats keep the stream alive and refresh presence; closing the tab removes it', async () => {
    const tab = await open(client);
    await expectEventually(() => expect(tab.comments).toBeGreaterThanOrEqual(2), { timeoutMs: 5000 });
    const rows = await fx.db.query<{ opened_at: Date; heartbeat_at: Date }>(
      `SELECT opened_at, heartbeat_at FROM messaging.presence WHERE user_id = $1`,
      [client.id],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.heartbeat_at.getTime() > r.opened_at.getTime())).toBe(true);
    const before = rows.length;
    await tab.close();
    await expectEventually(async () => {
      const after = await fx.db.query(`SELECT 1 FROM messaging.presence WHERE user_id = $1`, [client.id]);
      expect(after).toHaveLength(before - 1);
    });
  });

  it('too many tabs of one user is a 429; no token is a 401; an org admin has no stream', async () => {
    const [a, b] = await fx.people(tenantId, [
      { role: 'client', name: 'Tab One' },
      { role: 'org_admin', name: 'Ada Admin' },
    ]);
    await open(a);
    await open(a);
    await open(a);
    const fourth = await open(a);
    expect(fourth.status).toBe(429);
    expect(JSON.parse(fourth.problem!)).toMatchObject({ code: 'TOO_MANY_STREAMS' });
    const admin = await open(b);
    expect(admin.status).toBe(403);
    const anonymous = await fetch(`${fx.service.url}/messaging/stream`);
    expect(anonymous.status).toBe(401);
  });
});
