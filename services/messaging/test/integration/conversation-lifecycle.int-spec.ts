import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  messagingConversationStartedV1,
  messagingMessageReadV1,
  messagingMessageSentV1,
} from '@therapy-room/contracts';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { expectEventually } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';

/** Sending, reading, unread counts, read state, paging, retries and bad input (real PostgreSQL and Kafka). */
describe('messaging: a conversation from first message to read', () => {
  let fx: MessagingFixture;
  const tenantId = randomUUID();
  let pro: Person, colleague: Person, client: Person, secondClient: Person;

  beforeAll(async () => {
    fx = await startMessaging(
      [messagingConversationStartedV1.topic, messagingMessageSentV1.topic, messagingMessageReadV1.topic],
      { MESSAGING_MAX_BODY_CHARS: '200' },
    );
    [pro, colleague, client, secondClient] = await fx.people(tenantId, [
      { role: 'professional', name: 'Petra Pro' },
      { role: 'professional', name: 'Cees Colleague' },
      { role: 'client', name: 'Karel Client' },
      { role: 'client', name: 'Saskia Second' },
    ]);
    await fx.grant(pro, client);
    await fx.grant(colleague, client);
    await fx.grant(pro, secondClient);
  });
  afterAll(() => fx?.stop());

  it('unread counts per conversation and in total, read state both ways, and the read event', async () => {
    const conversation = await fx.start(pro, client);
    const first = await fx.send(pro, conversation, 'Hello Karel').expect(201);
    await fx.send(pro, conversation, 'Did the breathing exercise help?').expect(201);
    const withColleague = await fx.start(colleague, client);
    await fx.send(colleague, withColleague, 'I am Cees, covering next week.').expect(201);

    const unread = await fx.as(client).get('/messaging/unread').expect(200);
    expect(unread.body.total).toBe(3);
    expect(unread.body.conversations).toEqual(
      expect.arrayContaining([
        { conversationId: conversation, unreadCount: 2 },
        { conversationId: withColleague, unreadCount: 1 },
      ]),
    );
    const list = await fx.as(client).get('/messaging/conversations').expect(200);
    expect(list.body.unreadTotal).toBe(3);
    // Sorted by latest message: the colleague wrote last.
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([withColleague, conversation]);
    expect(list.body.items[1]).toMatchObject({
      counterpart: { id: pro.id, displayName: 'Petra Pro', role: 'professional' },
      unreadCount: 2,
    });
    // The sender has nothing unread in what they wrote, and sees it unread by the client.
    expect((await fx.as(pro).get('/messaging/unread').expect(200)).body.total).toBe(0);
    let seen = await fx.as(pro).get(`/messaging/conversations/${conversation}/messages`).expect(200);
    expect(seen.body.items.map((m: { readByCounterpart: boolean }) => m.readByCounterpart)).toEqual([
      false,
      false,
    ]);

    // The client reads up to the first message, then everything.
    const partly = await fx
      .as(client)
      .post(`/messaging/conversations/${conversation}/read`, { upToMessageId: first.body.id })
      .expect(200);
    expect(partly.body).toEqual({
      conversationId: conversation,
      lastReadMessageId: first.body.id,
      unreadCount: 1,
    });
    seen = await fx.as(pro).get(`/messaging/conversations/${conversation}/messages`).expect(200);
    expect(seen.body.items.map((m: { readByCounterpart: boolean }) => m.readByCounterpart)).toEqual([
      true,
      false,
    ]);
    const all = await fx.as(client).post(`/messaging/conversations/${conversation}/read`, {}).expect(200);
    expect(all.body.unreadCount).toBe(0);
    // Never backwards.
    const back = await fx
      .as(client)
      .post(`/messaging/conversations/${conversation}/read`, { upToMessageId: first.body.id })
      .expect(200);
    expect(back.body.lastReadMessageId).toBe(all.body.lastReadMessageId);
    expect((await fx.as(client).get('/messaging/unread').expect(200)).body.total).toBe(1);

    await expectEventually(() => {
      const reads = fx
        .events(messagingMessageReadV1.topic)
        .filter((e) => e.payload.conversationId === conversation);
      expect(reads.map((e) => e.payload.upToMessageId)).toEqual([first.body.id, all.body.lastReadMessageId]);
      expect(reads[0].payload).toEqual({
        conversationId: conversation,
        clientId: client.id,
        professionalId: pro.id,
        readerId: client.id,
        upToMessageId: first.body.id,
      });
    });
    // A marker of another conversation's message is a 400.
    const foreign = await fx
      .as(client)
      .post(`/messaging/conversations/${withColleague}/read`, { upToMessageId: first.body.id })
      .expect(400);
    expect(foreign.body.errors).toEqual([expect.objectContaining({ path: 'upToMessageId' })]);
  });

  it('pages back through history and catches up after a message id', async () => {
    const conversation = await fx.start(pro, secondClient);
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const res = await fx.send(i % 2 ? pro : secondClient, conversation, `message ${i}`).expect(201);
      ids.push(res.body.id);
    }
    const newest = await fx
      .as(secondClient)
      .get(`/messaging/conversations/${conversation}/messages?limit=3`)
      .expect(200);
    expect(newest.body.items.map((m: { body: string }) => m.body)).toEqual([
      'message 5',
      'message 6',
      'message 7',
    ]);
    expect(newest.body.before).toBe(ids[4]);
    const older = await fx
      .as(secondClient)
      .get(`/messaging/conversations/${conversation}/messages?limit=3&before=${newest.body.before}`)
      .expect(200);
    expect(older.body.items.map((m: { body: string }) => m.body)).toEqual([
      'message 2',
      'message 3',
      'message 4',
    ]);
    const oldest = await fx
      .as(secondClient)
      .get(`/messaging/conversations/${conversation}/messages?limit=3&before=${older.body.before}`)
      .expect(200);
    expect(oldest.body.items.map((m: { body: string }) => m.body)).toEqual(['message 1']);
    expect(oldest.body.before).toBeNull();
    const after = await fx
      .as(secondClient)
      .get(`/messaging/conversations/${conversation}/messages?after=${ids[5]}`)
      .expect(200);
    expect(after.body).toMatchObject({
      items: [expect.objectContaining({ id: ids[6], body: 'message 7' })],
      more: false,
    });
    // Own messages carry the app's id, the other side's do not.
    const mine = newest.body.items.find((m: { mine: boolean }) => m.mine);
    const theirs = newest.body.items.find((m: { mine: boolean }) => !m.mine);
    expect(mine.clientMessageId).toEqual(expect.any(String));
    expect(theirs.clientMessageId).toBeUndefined();

    const bad = await fx
      .as(secondClient)
      .get(`/messaging/conversations/${conversation}/messages?limit=1000&before=x`)
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['before', 'limit']);
  });

  it('a retried send with the same id is the same message; the same id with another text is a 409', async () => {
    const conversation = await fx.start(client, pro);
    const id = randomUUID();
    const first = await fx.send(client, conversation, 'I could not sleep again', id).expect(201);
    const retry = await fx.send(client, conversation, 'I could not sleep again', id).expect(200);
    expect(retry.body).toEqual(first.body);
    // Concurrent retries (a flaky mobile connection): still one message.
    const concurrentId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fx.send(client, conversation, 'Are you there?', concurrentId)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const conflict = await fx.send(client, conversation, 'Something else entirely', id).expect(409);
    expect(conflict.body).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    // The same id in another conversation of the sender is another message only if it is new there: 409.
    const other = await fx.start(client, colleague);
    await fx.send(client, other, 'I could not sleep again', id).expect(409);
    const rows = await fx.db.query(`SELECT 1 FROM messaging.message WHERE client_message_id = ANY($1)`, [
      [id, concurrentId],
    ]);
    expect(rows).toHaveLength(2);
    await expectEventually(() => {
      const sent = fx
        .events(messagingMessageSentV1.topic)
        .filter((e) => e.payload.conversationId === conversation && e.payload.senderId === client.id);
      expect(sent).toHaveLength(2);
    });
    // Another sender may use the same id: ids are the sender's own.
    await fx.send(pro, conversation, 'I am here.', id).expect(201);
  });

  it('bad input is a 400 with field errors and nothing is stored', async () => {
    const conversation = await fx.start(pro, client);
    const before = await fx.db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging.message`);
    const cases: [object, string][] = [
      [{ id: randomUUID(), body: '' }, 'body'],
      [{ id: randomUUID(), body: '   \n  ' }, 'body'],
      [{ id: randomUUID(), body: 'x'.repeat(201) }, 'body'],
      [{ id: randomUUID(), body: 'null\u0000byte' }, 'body'],
      [{ id: 'not-a-uuid', body: 'hello' }, 'id'],
      [{ body: 'hello' }, 'id'],
      [{ id: randomUUID(), body: 42 }, 'body'],
      [{ id: randomUUID(), body: 'hello', senderId: pro.id }, 'senderId'],
    ];
    for (const [body, path] of cases) {
      const res = await fx
        .as(pro)
        .post(`/messaging/conversations/${conversation}/messages`, body)
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([expect.objectContaining({ path })]);
    }
    const tooLong = await fx.send(pro, conversation, 'y'.repeat(201)).expect(400);
    expect(tooLong.body.errors[0].message).toBe('must be at most 200 characters (it has 201)');
    await fx.send(pro, conversation, 'z'.repeat(200)).expect(201);
    await fx
      .as(pro)
      .post('/messaging/conversations/not-a-uuid/messages', { id: randomUUID(), body: 'x' })
      .expect(400);
    const after = await fx.db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging.message`);
    expect(Number(after[0].n)).toBe(Number(before[0].n) + 1);
  });

  it('bodies are sealed at rest with the client’s key: not in the database in clear, and not opened for another subject', async () => {
    const conversation = await fx.start(pro, client);
    const secret = `I stopped taking my medication ${randomUUID()}`;
    const sent = await fx.send(client, conversation, secret).expect(201);
    const rows = await fx.db.query<{ body_sealed: Buffer }>(
      `SELECT body_sealed FROM messaging.message WHERE id = $1`,
      [sent.body.id],
    );
    expect(rows[0].body_sealed.includes(Buffer.from('medication'))).toBe(false);
    // Nowhere else in the schema either (a dump of every table, as text).
    const dump = await fx.db.query<{ t: string }>(
      `SELECT string_agg(x::text, ' ') AS t FROM (
         SELECT row_to_json(m)::text AS x FROM messaging.message m
         UNION ALL SELECT row_to_json(c)::text FROM messaging.conversation c
         UNION ALL SELECT row_to_json(o)::text FROM messaging.outbox o) all_rows`,
    );
    expect(dump[0].t).not.toContain('medication');
    const key = await fx.db.keysQuery(`SELECT 1 FROM messaging.subject_data_key WHERE subject_id = $1`, [
      client.id,
    ]);
    expect(key).toHaveLength(1);
    const cipher = fx.service.app.get(SubjectDataCipher);
    const field = `message.body:${sent.body.id}`;
    expect(await cipher.decrypt(client.id, field, rows[0].body_sealed)).toBe(secret);
    // Another client's key (they have one: they have messages) does not open it.
    await expect(cipher.decrypt(secondClient.id, field, rows[0].body_sealed)).rejects.toThrow();
    await expect(
      cipher.decrypt(client.id, `message.body:${randomUUID()}`, rows[0].body_sealed),
    ).rejects.toThrow();
    expect(fx.service.app.get(DataSource).isInitialized).toBe(true);
  });

  it('events carry ids only: never a body, never a name', async () => {
    const conversation = await fx.start(pro, client);
    await fx.send(pro, conversation, 'Private words about panic attacks').expect(201);
    await expectEventually(() => {
      const all = [
        ...fx.events(messagingConversationStartedV1.topic),
        ...fx.events(messagingMessageSentV1.topic),
        ...fx.events(messagingMessageReadV1.topic),
      ];
      expect(all.length).toBeGreaterThan(3);
      const text = JSON.stringify(all);
      expect(text).not.toContain('panic');
      expect(text).not.toContain('Petra');
      expect(text).not.toContain('Karel');
      const started = fx.events(messagingConversationStartedV1.topic);
      expect(started[0].payload).toEqual({
        conversationId: expect.any(String),
        clientId: client.id,
        professionalId: pro.id,
        startedBy: pro.id,
      });
      expect(started[0].subjectId).toBe(client.id);
    });
  });
});
