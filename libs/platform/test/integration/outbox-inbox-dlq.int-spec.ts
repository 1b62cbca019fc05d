import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import { randomUUID } from 'node:crypto';
import { identityTenantCreatedV1, identityUserRegisteredV1 } from '@therapy-room/contracts';
import { collectTopics, expectEventually, publishRaw } from '@therapy-room/testing';
import { InboxPruner, Metrics } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

const envelope = (type: string, payload: object, overrides: object = {}) => ({
  id: uuidv7(),
  type,
  occurredAt: new Date().toISOString(),
  tenantId: randomUUID(),
  region: 'eea',
  subjectId: null,
  traceparent: null,
  payload,
  ...overrides,
});

describe('outbox, inbox and DLQ against real PostgreSQL and Kafka', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx?.stop();
  });
  /** The rows the fixture's handler wrote for an event: one when handled, none when not. */
  const seen = (eventId: string) =>
    fx.db.query(`SELECT 1 FROM fixture.seen_event WHERE event_id = $1`, [eventId]);

  it('publishes a committed write once, with the envelope and trace headers, and empties the outbox', async () => {
    const topic = `${fx.prefix}${identityUserRegisteredV1.topic}`;
    const probe = await collectTopics([topic]);
    const tenantId = randomUUID();
    const userId = randomUUID();
    const res = await request(fx.app.getHttpServer())
      .post('/accounts')
      .send({ tenantId, userId })
      .expect(201);
    const mine = () => probe.messages.filter((m) => m.headers?.['event-id']?.toString() === res.body.eventId);
    await expectEventually(() => expect(mine()).toHaveLength(1));
    const [message] = mine();
    expect(message.key?.toString()).toBe(userId);
    const body = JSON.parse(message.value!.toString());
    expect(body).toMatchObject({
      id: res.body.eventId,
      type: 'identity.user.registered.v1',
      tenantId,
      subjectId: userId,
      region: 'eea',
      payload: { userId, role: 'client' },
    });
    expect(identityUserRegisteredV1.message.safeParse(body).success).toBe(true);
    await expectEventually(async () =>
      expect(await fx.db.query(`SELECT * FROM fixture.outbox`)).toHaveLength(0),
    );
    await probe.stop();
  });

  it('refuses bad input with a field-level 400 and writes nothing', async () => {
    const server = fx.app.getHttpServer();
    const wrongTypes = await request(server)
      .post('/accounts')
      .send({ tenantId: 42, userId: 'nope', extra: true })
      .expect(400);
    expect(wrongTypes.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(wrongTypes.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'tenantId' }),
        expect.objectContaining({ path: 'userId' }),
        { path: 'extra', message: 'is not allowed' },
      ]),
    );
    const malformed = await request(server)
      .post('/accounts')
      .set('content-type', 'application/json')
      .send('{"tenantId": ')
      .expect(400);
    expect(malformed.body).toMatchObject({ status: 400, detail: 'The request body is not valid JSON.' });
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js|SyntaxError/);
    const huge = await request(server)
      .post('/accounts')
      .send({ tenantId: 'x'.repeat(200_000) })
      .expect(413);
    expect(huge.body.detail).toBe('The request body is too large.');
    expect(await fx.db.query(`SELECT * FROM fixture.account`)).toHaveLength(1);
  });

  it('handles the same event delivered twice only once (inbox)', async () => {
    const event = envelope('identity.user.registered.v1', { userId: randomUUID(), role: 'client' });
    const value = JSON.stringify(event);
    await publishRaw(`${fx.prefix}identity.user.registered.v1`, [
      { key: event.tenantId, value },
      { key: event.tenantId, value },
    ]);
    const later = envelope(
      'identity.user.registered.v1',
      { userId: randomUUID(), role: 'client' },
      { tenantId: event.tenantId },
    );
    await publishRaw(`${fx.prefix}identity.user.registered.v1`, [
      { key: event.tenantId, value: JSON.stringify(later) },
    ]);
    await expectEventually(async () => expect(await seen(later.id)).toHaveLength(1));
    expect(await seen(event.id)).toHaveLength(1);
    expect(await fx.db.query(`SELECT 1 FROM fixture.inbox WHERE event_id = $1`, [event.id])).toHaveLength(1);
  });

  it('retries an event whose handler fails transiently: handled once in the end, never dead-lettered', async () => {
    const topic = `${fx.prefix}identity.user.registered.v1`;
    const dlq = await collectTopics([`${topic}.dlq`]);
    const event = envelope('identity.user.registered.v1', { userId: randomUUID(), role: 'client' });
    fx.service.transientFailures = 2;
    await publishRaw(topic, [{ key: event.tenantId, value: JSON.stringify(event) }]);
    await expectEventually(async () => expect(await seen(event.id)).toHaveLength(1), { timeoutMs: 60_000 });
    expect(fx.service.transientFailures).toBe(0);
    expect(dlq.messages.filter((m) => m.value?.toString().includes(event.id))).toHaveLength(0);
    await dlq.stop();
  });

  it('prunes inbox rows older than the retention in batches until none is left, keeping recent ones', async () => {
    const old = [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    const recent = uuidv7();
    await fx.db.query(
      `INSERT INTO fixture.inbox (event_id, topic, handled_at)
         SELECT id, 't', now() - interval '15 days' FROM unnest($1::uuid[]) AS id`,
      [old],
    );
    await fx.db.query(
      `INSERT INTO fixture.inbox (event_id, topic, handled_at) VALUES ($1, 't', now() - interval '13 days')`,
      [recent],
    );
    // Batches of two: three rounds (2, 2, 1), the count of what went.
    expect(await fx.app.get(InboxPruner).prune(2)).toBe(5);
    expect(
      await fx.db.query(`SELECT event_id FROM fixture.inbox WHERE event_id = ANY($1)`, [[...old, recent]]),
    ).toEqual([{ event_id: recent }]);
  });

  it('sends malformed, invalid, foreign-region and permanently failing events to the DLQ with a reason, and goes on', async () => {
    const topic = `${fx.prefix}identity.user.registered.v1`;
    const dlq = await collectTopics([`${topic}.dlq`]);
    const tenantId = randomUUID();
    const invalid = envelope(
      'identity.user.registered.v1',
      { userId: 'not-a-uuid', role: 'client', diary: 'free text' },
      { tenantId },
    );
    const foreign = envelope(
      'identity.user.registered.v1',
      { userId: randomUUID(), role: 'client' },
      { tenantId, region: 'uk' },
    );
    const permanent = envelope(
      'identity.user.registered.v1',
      { userId: randomUUID(), role: 'platform_staff' },
      { tenantId },
    );
    const valid = envelope(
      'identity.user.registered.v1',
      { userId: randomUUID(), role: 'client' },
      { tenantId },
    );
    await publishRaw(topic, [
      { key: tenantId, value: '{"this is": not json' },
      { key: tenantId, value: JSON.stringify(invalid) },
      { key: tenantId, value: JSON.stringify(foreign) },
      { key: tenantId, value: JSON.stringify(permanent) },
      { key: tenantId, value: JSON.stringify(valid) },
    ]);
    await expectEventually(async () => expect(await seen(valid.id)).toHaveLength(1));
    await expectEventually(() => expect(dlq.messages).toHaveLength(4));
    const reasons = dlq.messages.map((m) => m.headers!['dlq-reason']!.toString());
    expect(reasons[0]).toBe('value is not valid JSON');
    expect(reasons[1]).toMatch(/payload\.userId: .*UUID/i);
    expect(reasons[1]).toMatch(/payload: Unrecognized key: "diary"/);
    expect(reasons[2]).toBe('event of region uk refused by region eea');
    expect(reasons[3]).toBe('platform staff are not registered through this service');
    expect(dlq.messages[1].value!.toString()).toBe(JSON.stringify(invalid));
    expect(dlq.messages.every((m) => m.headers!['dlq-original-topic']!.toString() === topic)).toBe(true);
    expect(
      await fx.db.query(`SELECT 1 FROM fixture.seen_event WHERE event_id = ANY($1)`, [
        [invalid.id, foreign.id, permanent.id],
      ]),
    ).toHaveLength(0);
    // Counted per kind of reason (the reason itself is free text and never a label).
    const counted = await fx.app
      .get(Metrics)
      .registry.getSingleMetric('therapy_room_dlq_events_total')!
      .get();
    const count = (reason: string) =>
      counted.values.find(
        (v) => v.labels.reason === reason && v.labels.topic === 'identity.user.registered.v1',
      )?.value;
    expect([count('not-json'), count('invalid'), count('other-region'), count('permanent')]).toEqual([
      1, 1, 1, 1,
    ]);
    await dlq.stop();
  });

  it('keeps other topics flowing while one handler is stuck (one consumer per topic)', async () => {
    let release!: () => void;
    fx.service.tenantGate = new Promise<void>((r) => (release = r));
    const tenantEvent = envelope('identity.tenant.created.v1', {
      tenantId: randomUUID(),
      slug: 'slow-clinic',
      region: 'eea',
      professionalSeats: 5,
    });
    const userEvent = envelope('identity.user.registered.v1', { userId: randomUUID(), role: 'client' });
    try {
      await publishRaw(`${fx.prefix}${identityTenantCreatedV1.topic}`, [
        { key: tenantEvent.tenantId, value: JSON.stringify(tenantEvent) },
      ]);
      await publishRaw(`${fx.prefix}${identityUserRegisteredV1.topic}`, [
        { key: userEvent.tenantId, value: JSON.stringify(userEvent) },
      ]);
      await expectEventually(async () => expect(await seen(userEvent.id)).toHaveLength(1));
      expect(await seen(tenantEvent.id)).toHaveLength(0);
    } finally {
      release();
    }
    await expectEventually(async () => expect(await seen(tenantEvent.id)).toHaveLength(1));
  });
});
