import { randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import { Clock } from '@therapy-room/platform';
import { expectEventually } from '@therapy-room/testing';
import { startMessaging, type MessagingFixture, type Person } from '../support/messaging-fixture';

/**
 * Who may start, list, read and write a client's conversations (real PostgreSQL and Kafka; caseload's
 * grants arrive as caseload publishes them). A stranger learns nothing (404); a client whose
 * professional left keeps the history but cannot write to it (403). Org admins and platform staff (with
 * or without an access grant, of this organisation or another) have no conversations: 403 where the
 * route names no one, 404 on a conversation.
 */
describe('messaging access matrix', () => {
  let fx: MessagingFixture;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  let owner: Person, during: Person, before: Person, after: Person, removed: Person, other: Person;
  let client: Person, otherClient: Person, admin: Person, proB: Person, clientB: Person;
  /** Conversations with the client, by who started them. */
  let withOwner: string, withAfter: string, withRemoved: string, otherClientsConversation: string;
  let staff: Person, staffWithoutGrant: Person, foreignStaff: Person, adminB: Person;
  let now: number;

  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    fx = await startMessaging([auditEntryRecordedV1.topic]);
    [owner, during, before, after, removed, other, client, otherClient, admin] = await fx.people(tenantA, [
      { role: 'professional', name: 'Olga Owner' },
      { role: 'professional', name: 'Dirk During' },
      { role: 'professional', name: 'Bea Before' },
      { role: 'professional', name: 'Aart After' },
      { role: 'professional', name: 'Rik Removed' },
      { role: 'professional', name: 'Otto Other' },
      { role: 'client', name: 'Chris Client' },
      { role: 'client', name: 'Olivia Otherclient' },
      { role: 'org_admin', name: 'Ada Admin' },
    ]);
    [proB, clientB, adminB] = await fx.people(tenantB, [
      { role: 'professional', name: 'Bram Pro' },
      { role: 'client', name: 'Berta Client' },
      { role: 'org_admin', name: 'Bob Admin' },
    ]);
    const staffId = randomUUID();
    staff = { id: staffId, tenantId: tenantA, role: 'platform_staff', grantId: randomUUID() };
    staffWithoutGrant = { id: staffId, tenantId: randomUUID(), role: 'platform_staff' };
    foreignStaff = { id: staffId, tenantId: tenantB, role: 'platform_staff', grantId: randomUUID() };
    // The time as messaging sees it: fixed, moved by the test (no sleeping for a link to run out).
    now = Date.now();
    jest.spyOn(fx.service.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    await fx.grant(owner, client);
    await fx.grant(during, client, { validFrom: new Date(now - hour), validUntil: new Date(now + hour) });
    await fx.grant(before, client, { validFrom: new Date(now + hour), validUntil: new Date(now + 2 * hour) });
    await fx.grant(after, client, { validFrom: new Date(now - hour), validUntil: new Date(now + 60_000) });
    const removedGrant = await fx.grant(removed, client);
    await fx.grant(other, otherClient);
    await fx.grant(proB, clientB);

    withOwner = await fx.start(owner, client);
    withAfter = await fx.start(after, client);
    withRemoved = await fx.start(removed, client);
    otherClientsConversation = await fx.start(other, otherClient);
    await fx.send(owner, withOwner, 'Hello Chris, how was your week?').expect(201);
    await fx.send(after, withAfter, 'I am covering for Olga this week.').expect(201);
    await fx.send(removed, withRemoved, 'Our last session is on Friday.').expect(201);
    await fx.revoke(removedGrant);
    // The colleague link of "after" ends by itself when the clock passes validUntil: no event.
    now += 2 * 60_000;
  });
  afterAll(() => fx?.stop());

  const listIds = async (p: Person) => {
    const res = await fx.as(p).get('/messaging/conversations').expect(200);
    return (res.body.items as { id: string }[]).map((i) => i.id);
  };

  describe('start', () => {
    it('the caseload owner and a colleague linked right now may start; starting again answers the same conversation', async () => {
      const again = await fx.as(owner).post('/messaging/conversations', { clientId: client.id }).expect(200);
      expect(again.body.id).toBe(withOwner);
      const linked = await fx
        .as(during)
        .post('/messaging/conversations', { clientId: client.id })
        .expect(201);
      expect(linked.body).toMatchObject({
        counterpart: { id: client.id, displayName: 'Chris Client', role: 'client' },
        unreadCount: 0,
        canWrite: true,
      });
    });

    it('the client may write to any of their professionals, the same conversation from either side', async () => {
      const res = await fx
        .as(client)
        .post('/messaging/conversations', { professionalId: owner.id })
        .expect(200);
      expect(res.body).toMatchObject({
        id: withOwner,
        counterpart: { id: owner.id, displayName: 'Olga Owner', role: 'professional' },
        unreadCount: 1,
      });
    });

    it.each([
      ['a colleague before the window', () => before, () => ({ clientId: client.id })],
      ['a colleague after the window', () => after, () => ({ clientId: client.id })],
      ['a removed professional', () => removed, () => ({ clientId: client.id })],
      ['another professional', () => other, () => ({ clientId: client.id })],
      ['another organisation', () => proB, () => ({ clientId: client.id })],
      ['a client, with a professional not theirs', () => client, () => ({ professionalId: other.id })],
      ['a client, with a colleague before the window', () => client, () => ({ professionalId: before.id })],
      [
        'another client, with the client’s professional',
        () => otherClient,
        () => ({ professionalId: owner.id }),
      ],
      ['a client naming another client', () => client, () => ({ professionalId: otherClient.id })],
    ])('%s: 404, nothing created', async (_name, who, body) => {
      const count = await fx.db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging.conversation`);
      const res = await fx.as(who()).post('/messaging/conversations', body()).expect(404);
      expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      const again = await fx.db.query<{ n: string }>(`SELECT count(*) AS n FROM messaging.conversation`);
      expect(again[0].n).toBe(count[0].n);
    });

    it('an org admin has no conversations (403); a body naming both or neither side is a 400', async () => {
      await fx.as(admin).post('/messaging/conversations', { clientId: client.id }).expect(403);
      for (const who of [staff, staffWithoutGrant, foreignStaff, adminB]) {
        await fx.as(who).post('/messaging/conversations', { clientId: client.id }).expect(403);
        await fx.as(who).post('/messaging/conversations', { professionalId: owner.id }).expect(403);
      }
      const both = await fx
        .as(owner)
        .post('/messaging/conversations', { clientId: client.id, professionalId: owner.id })
        .expect(400);
      expect(both.body.errors).toEqual([expect.objectContaining({ path: 'clientId' })]);
      await fx.as(owner).post('/messaging/conversations', { clientId: 'not-a-uuid' }).expect(400);
    });
  });

  describe('list', () => {
    it('each participant lists only the conversations they may read now', async () => {
      expect(await listIds(owner)).toEqual([withOwner]);
      expect(await listIds(after)).toEqual([]);
      expect(await listIds(removed)).toEqual([]);
      expect(await listIds(other)).toEqual([otherClientsConversation]);
      expect(await listIds(proB)).toEqual([]);
      expect(await listIds(otherClient)).toEqual([otherClientsConversation]);
      // The client keeps all their history, including the conversations their professionals left.
      const ids = await listIds(client);
      expect(ids).toEqual(expect.arrayContaining([withOwner, withAfter, withRemoved]));
      for (const who of [admin, staff, staffWithoutGrant, foreignStaff, adminB]) {
        await fx.as(who).get('/messaging/conversations').expect(403);
        await fx.as(who).get('/messaging/unread').expect(403);
      }
    });

    it('the client sees which conversations still take messages', async () => {
      const res = await fx.as(client).get('/messaging/conversations').expect(200);
      const byId = new Map(
        (res.body.items as { id: string; canWrite: boolean }[]).map((i) => [i.id, i.canWrite]),
      );
      expect(byId.get(withOwner)).toBe(true);
      expect(byId.get(withAfter)).toBe(false);
      expect(byId.get(withRemoved)).toBe(false);
    });
  });

  describe('read', () => {
    it('the owner and the client read; the client also reads what a departed professional wrote', async () => {
      const owned = await fx.as(owner).get(`/messaging/conversations/${withOwner}/messages`).expect(200);
      expect(owned.body.items).toEqual([
        expect.objectContaining({ body: 'Hello Chris, how was your week?', mine: true }),
      ]);
      const kept = await fx.as(client).get(`/messaging/conversations/${withRemoved}/messages`).expect(200);
      expect(kept.body.items).toEqual([
        expect.objectContaining({
          body: 'Our last session is on Friday.',
          mine: false,
          senderId: removed.id,
        }),
      ]);
      const view = await fx.as(client).get(`/messaging/conversations/${withRemoved}`).expect(200);
      expect(view.body).toMatchObject({ canWrite: false });
    });

    it.each([
      ['the colleague after the window, their own conversation', () => after, () => withAfter],
      ['the removed professional, their own conversation', () => removed, () => withRemoved],
      ['a linked colleague, another’s conversation with the client', () => during, () => withOwner],
      ['another professional', () => other, () => withOwner],
      ['another client', () => otherClient, () => withOwner],
      ['another organisation', () => proB, () => withOwner],
      ['the client, another client’s conversation', () => client, () => otherClientsConversation],
      ['an org admin', () => admin, () => withOwner],
      ['platform staff under a grant for this organisation', () => staff, () => withOwner],
      ['platform staff without a grant', () => staffWithoutGrant, () => withOwner],
      ['platform staff under a grant for another organisation', () => foreignStaff, () => withOwner],
      ['an org admin of another organisation', () => adminB, () => withOwner],
      ['anyone, an id that does not exist', () => owner, () => randomUUID()],
    ])('%s: 404 on the conversation and on its messages', async (_name, who, id) => {
      await fx.as(who()).get(`/messaging/conversations/${id()}`).expect(404);
      const res = await fx.as(who()).get(`/messaging/conversations/${id()}/messages`).expect(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', detail: 'Not found.' });
    });
  });

  describe('send', () => {
    it('the owner and the client write', async () => {
      await fx.send(client, withOwner, 'Better, thank you.').expect(201);
      await fx.send(owner, withOwner, 'Glad to hear it.').expect(201);
    });

    it('the client cannot write to a professional who left: 403, nothing stored', async () => {
      for (const id of [withRemoved, withAfter]) {
        const res = await fx.send(client, id, 'Are you there?').expect(403);
        expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
      }
      const rows = await fx.db.query(`SELECT 1 FROM messaging.message WHERE conversation_id = ANY($1)`, [
        [withRemoved, withAfter],
      ]);
      expect(rows).toHaveLength(1 + 1);
    });

    it.each([
      ['the removed professional', () => removed, () => withRemoved],
      ['the colleague after the window', () => after, () => withAfter],
      ['another professional', () => other, () => withOwner],
      ['another client', () => otherClient, () => withOwner],
      ['another organisation', () => proB, () => withOwner],
      ['the client, another client’s conversation', () => client, () => otherClientsConversation],
      ['an org admin', () => admin, () => withOwner],
      ['platform staff under a grant for this organisation', () => staff, () => withOwner],
      ['platform staff without a grant', () => staffWithoutGrant, () => withOwner],
      ['platform staff under a grant for another organisation', () => foreignStaff, () => withOwner],
    ])('%s: 404, nothing stored', async (_name, who, id) => {
      const messageId = randomUUID();
      await fx.send(who(), id(), 'Let me in', messageId).expect(404);
      const rows = await fx.db.query(`SELECT 1 FROM messaging.message WHERE client_message_id = $1`, [
        messageId,
      ]);
      expect(rows).toHaveLength(0);
    });
  });

  it('every read and every refusal is audited, with the client as subject where one may know them', async () => {
    await fx.as(other).get(`/messaging/conversations/${withOwner}`).expect(404);
    await fx.as(owner).get(`/messaging/conversations/${withOwner}`).expect(200);
    await expectEventually(() => {
      const entries = fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => (e.payload as { resourceId: string }).resourceId === withOwner);
      const of = (actorId: string, outcome: string) =>
        entries.filter(
          (e) =>
            (e.payload as { actorId: string }).actorId === actorId &&
            (e.payload as { outcome: string }).outcome === outcome &&
            (e.payload as { action: string }).action === 'messaging.read',
        );
      expect(of(other.id, 'failure').length).toBeGreaterThan(0);
      expect(of(owner.id, 'success').length).toBeGreaterThan(0);
      // In the client's organisation the client is the subject; another organisation's refusal names nobody.
      expect(entries.filter((e) => e.tenantId === tenantA).every((e) => e.subjectId === client.id)).toBe(
        true,
      );
      expect(entries.filter((e) => e.tenantId === tenantB).every((e) => e.subjectId === null)).toBe(true);
      const sends = entries.filter((e) => (e.payload as { action: string }).action === 'messaging.send');
      expect(sends.length).toBeGreaterThan(0);
      expect(sends[0].payload).toMatchObject({
        sourceAddress: '203.0.113.9',
        resource: 'messaging.conversation',
      });
    });
  });
  it('records on what basis each read was allowed: assignment, colleague link, the client themself', async () => {
    const withDuring = await fx.start(during, client);
    const reads: [string, Person, string][] = [
      ['owner', owner, withOwner],
      ['during', during, withDuring],
      ['client', client, withOwner],
    ];
    const requests = new Map<string, string>();
    for (const [name, reader, conversationId] of reads) {
      const res = await fx.as(reader).get(`/messaging/conversations/${conversationId}`).expect(200);
      requests.set(res.headers['x-request-id'] as string, name);
    }
    const byReader = await expectEventually(() => {
      const found = fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => requests.has((e.payload as { requestId: string }).requestId));
      expect(found).toHaveLength(requests.size);
      return new Map(
        found.map((e) => [requests.get((e.payload as { requestId: string }).requestId)!, e.payload]),
      );
    });
    expect(byReader.get('owner')).toMatchObject({ outcome: 'success', basis: 'caseload_assignment' });
    expect(byReader.get('during')).toMatchObject({ outcome: 'success', basis: 'colleague_link' });
    expect(byReader.get('client')).toMatchObject({ outcome: 'success', basis: 'self' });
  });
});
