import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { identityUserProfileChangedV1, identityUserRegisteredV1 } from '@therapy-room/contracts';
import {
  expectEventually,
  publishEvent,
  startSmtpSink,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';
import { openEventStream, type EventStream } from '../support/event-stream';

const PUBLIC_URL = 'https://room.example.test';

/**
 * The whole path with real processes: identity, caseload, messaging and the gateway, a real SMTP
 * server. A professional writes through the gateway; the client's open tab hears it live (SSE passed
 * through the gateway with the session cookie); when the client is away, identity mails a notice that
 * holds neither the message nor the sender's name, at most once per conversation per interval.
 */
describe('messaging e2e: gateway → messaging → Kafka → live tab and identity’s notice mail', () => {
  let stack: TestStack;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let org: TestTenant;
  let pro: { id: string; email: string; cookie: string };
  let client: {
    id: string;
    email: string;
    cookie: string;
    credentials: { organisation: string; email: string; password: string };
  };
  let conversationId: string;
  const streams: EventStream[] = [];

  const api = () => request(stack.gatewayUrl);
  const openStream = async (cookie?: string) => {
    const stream = await openEventStream(
      `${stack.gatewayUrl}/api/messaging/stream`,
      cookie ? { cookie } : {},
    );
    streams.push(stream);
    return stream;
  };
  const send = (cookie: string, body: string, id = randomUUID()) =>
    api()
      .post(`/api/messaging/conversations/${conversationId}/messages`)
      .set('cookie', cookie)
      .send({ id, body });

  /** The account exists in identity's table; identity's registration events are published for it. */
  const announce = async (id: string, role: 'professional' | 'client', displayName: string) => {
    await publishEvent(
      stack.prefix,
      identityUserRegisteredV1,
      { userId: id, role },
      { tenantId: org.tenantId, subjectId: id },
    );
    await publishEvent(
      stack.prefix,
      identityUserProfileChangedV1,
      { userId: id, displayName },
      { tenantId: org.tenantId, subjectId: id },
    );
  };

  beforeAll(async () => {
    smtp = await startSmtpSink();
    stack = await startStack(
      {
        SMTP_URL: smtp.url,
        PUBLIC_URL,
        MESSAGING_SSE_HEARTBEAT_SECONDS: '1',
        SSE_HEARTBEAT_SECONDS: '1',
        MESSAGING_NOTIFY_INTERVAL_SECONDS: '600',
      },
      { caseload: true, messaging: true },
    );
    org = await stack.createTenant();
    const adminCookie = (await stack.loginAs(org)).cookie;
    const proAccount = await stack.addActiveUser(org, 'professional');
    const clientAccount = await stack.addActiveUser(org, 'client');
    await announce(proAccount.id, 'professional', 'Petra Professional');
    await announce(clientAccount.id, 'client', 'Karel Client');
    await expectEventually(async () => {
      await api()
        .post('/api/caseload/assignments')
        .set('cookie', adminCookie)
        .send({ clientId: clientAccount.id, professionalId: proAccount.id })
        .expect(201);
    });
    pro = { id: proAccount.id, email: proAccount.email, cookie: (await stack.loginAs(proAccount)).cookie };
    client = {
      id: clientAccount.id,
      email: clientAccount.email,
      cookie: (await stack.loginAs(clientAccount)).cookie,
      credentials: clientAccount,
    };
    // Messaging learns of the assignment from caseload's event: a moment later the conversation starts.
    conversationId = await expectEventually(async () => {
      const res = await api()
        .post('/api/messaging/conversations')
        .set('cookie', pro.cookie)
        .send({ clientId: client.id })
        .expect(201);
      return res.body.id as string;
    });
  });
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await stack?.stop();
    await smtp?.stop();
  });

  it('a new message arrives live in the client’s tab through the gateway, ids only; the app then fetches the text', async () => {
    const tab = await openStream(client.cookie);
    expect(tab.status).toBe(200);
    expect(tab.contentType).toContain('text/event-stream');
    await expectEventually(() => expect(tab.of('ready')).toHaveLength(1));
    // Messaging's broadcast consumer starts at the latest offset once joined: send until one is heard.
    const sent = await expectEventually(
      async () => {
        const res = await send(pro.cookie, 'How are you feeling today?').expect(201);
        await expectEventually(
          () => expect(tab.of('message').some((e) => e.data.messageId === res.body.id)).toBe(true),
          { timeoutMs: 3000 },
        );
        return res.body as { id: string };
      },
      { timeoutMs: 40_000 },
    );
    const event = tab.of('message').find((e) => e.data.messageId === sent.id)!;
    expect(event.data).toEqual({
      conversationId,
      messageId: sent.id,
      senderId: pro.id,
      sentAt: expect.any(String),
    });
    const page = await api()
      .get(
        `/api/messaging/conversations/${conversationId}/messages?after=${tab.of('message')[0].data.messageId}`,
      )
      .set('cookie', client.cookie);
    expect(page.status).toBe(200);
    const all = await api()
      .get(`/api/messaging/conversations/${conversationId}/messages`)
      .set('cookie', client.cookie)
      .expect(200);
    expect(all.body.items.at(-1)).toMatchObject({
      id: sent.id,
      body: 'How are you feeling today?',
      mine: false,
    });
    const list = await api().get('/api/messaging/conversations').set('cookie', client.cookie).expect(200);
    expect(list.body.items[0]).toMatchObject({
      id: conversationId,
      counterpart: { id: pro.id, displayName: 'Petra Professional' },
    });
    // While the tab was open the client was reading: no mail.
    expect(smtp.to(client.email)).toHaveLength(0);
    await tab.close();
  });

  it('an away client gets one notice mail through identity and SMTP: no text, no name, at most one per interval', async () => {
    // The read above counts as reading for a moment; the notice rule looks at the last 120 s. Pretend
    // that was long ago rather than waiting (messaging's own table, in this stack's database).
    await stack.db.query(
      `UPDATE messaging.participant SET last_seen_at = now() - interval '1 hour' WHERE user_id = $1`,
      [client.id],
    );
    await expectEventually(async () => {
      const rows = await stack.db.query(`SELECT 1 FROM messaging.presence WHERE user_id = $1`, [client.id]);
      expect(rows).toHaveLength(0);
    });
    await send(pro.cookie, 'Your panic diary showed three attacks this week').expect(201);
    const mail = await expectEventually(() => {
      const mails = smtp.to(client.email);
      expect(mails).toHaveLength(1);
      return mails[0];
    });
    expect(mail.subject).toBe('You have a new message in your therapy room');
    expect(mail.raw).toContain(`${PUBLIC_URL}/messages`);
    expect(mail.raw).not.toMatch(/panic|diary|attacks/i);
    expect(mail.raw).not.toMatch(/Petra|Professional/);
    // Nor the organisation (its name can say what kind of care this is); the address is in the headers.
    const text = mail.raw.slice(mail.raw.search(/\r?\n\r?\n/));
    expect(text).toContain('You have a new message in your therapy room.');
    expect(text).not.toContain(org.slug);
    // A second message straight after: throttled (decided in messaging's send transaction).
    const before = await stack.db.query<{ at: Date }>(
      `SELECT last_notified_at AS at FROM messaging.participant WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, client.id],
    );
    await send(pro.cookie, 'And one more thing').expect(201);
    const after = await stack.db.query<{ at: Date }>(
      `SELECT last_notified_at AS at FROM messaging.participant WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, client.id],
    );
    expect(after[0].at).toEqual(before[0].at);
    // Identity has nothing more to send (its mail outbox is empty once the first mail went out).
    await expectEventually(async () => {
      const queued = await stack.db.query(`SELECT 1 FROM identity.mail_outbox WHERE user_id = $1`, [
        client.id,
      ]);
      expect(queued).toHaveLength(0);
    });
    expect(smtp.to(client.email)).toHaveLength(1);
    expect(smtp.to(pro.email)).toHaveLength(0);
  });

  it('the stream needs a session: 401 without one, and logging out ends an open stream', async () => {
    const anonymous = await openStream();
    expect(anonymous.status).toBe(401);
    const session = (await stack.loginAs(client.credentials)).cookie;
    const tab = await openStream(session);
    expect(tab.status).toBe(200);
    await expectEventually(() => expect(tab.of('ready')).toHaveLength(1));
    await api().post('/api/auth/logout').set('cookie', session).expect(204);
    await expectEventually(() => expect(tab.ended).toBe(true), { timeoutMs: 15_000 });
  });

  it('bad input is a 400 problem through the gateway; another organisation gets 404', async () => {
    const res = await send(pro.cookie, '   ').expect(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ path: 'body', message: 'must not be empty' }),
    ]);
    const other = await stack.createTenant();
    const stranger = await stack.addActiveUser(other, 'professional');
    const strangerCookie = (await stack.loginAs(stranger)).cookie;
    await api()
      .get(`/api/messaging/conversations/${conversationId}/messages`)
      .set('cookie', strangerCookie)
      .expect(404);
    await send(strangerCookie, 'Let me in').expect(404);
  });
});
