import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { identityUserRegisteredV1 } from '@therapy-room/contracts';
import { LocalKafka } from '@therapy-room/local-kafka';
import { collectTopics, expectEventually } from '@therapy-room/testing';
import type { Logger } from 'pino';
import { OutboxRelay, PLATFORM_LOGGER } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

/**
 * "Kafka being down never loses or blocks a user's write": the fixture runs against its own broker,
 * which this file stops and starts again on the same port and data directory.
 *
 * The fixture's consumers stay off: this is about the write side. (With them on, a kafkajs consumer
 * that crashed during the outage rejoins its group under a new member id, and the restarted broker
 * holds the rebalance until the old member's session times out: 30 s of no consumption, and a
 * shutdown that waits as long.)
 */
describe('outbox while Kafka is down', () => {
  const kafka = new LocalKafka();
  let fx: Fixture | undefined;

  beforeAll(async () => {
    await kafka.start();
    fx = await startFixture({ KAFKA_BROKERS: kafka.brokers.join(',') }, { consume: false });
  });
  afterAll(async () => {
    // If the test failed during the outage: with the broker back, the relay's producer lets go at once.
    await kafka.start().catch(() => undefined);
    await fx?.stop();
    await kafka.destroy();
  });

  it('takes the write at once, keeps the event, and publishes it exactly once when Kafka is back', async () => {
    const { app, db, prefix } = fx!;
    const relay = app.get(OutboxRelay);
    const server = app.getHttpServer();
    const topic = `${prefix}${identityUserRegisteredV1.topic}`;
    const outboxRows = () =>
      db.query<{ event_id: string; attempts: number; parked_at: Date | null; last_error: string | null }>(
        `SELECT event_id, attempts, parked_at, last_error FROM fixture.outbox`,
      );

    // Before the outage the relay has a connected producer, as it would in production.
    const before = await request(server)
      .post('/accounts')
      .send({ tenantId: randomUUID(), userId: randomUUID() })
      .expect(201);
    await expectEventually(async () => expect(await outboxRows()).toEqual([]));
    expect(relay.stats.published).toBe(1);

    const backOffs = jest.spyOn(app.get<Logger>(PLATFORM_LOGGER), 'warn');
    const backOffCount = () =>
      backOffs.mock.calls.filter((call) => call[1] === 'Kafka unavailable; outbox relay backs off').length;
    await kafka.stop();

    const tenantId = randomUUID();
    const userId = randomUUID();
    const started = Date.now();
    const res = await request(server).post('/accounts').send({ tenantId, userId }).expect(201);
    expect(Date.now() - started).toBeLessThan(2000);
    const eventId: string = res.body.eventId;
    expect(await db.query(`SELECT tenant_id FROM fixture.account WHERE id = $1`, [userId])).toEqual([
      { tenant_id: tenantId },
    ]);
    expect(await outboxRows()).toEqual([
      { event_id: eventId, attempts: 0, parked_at: null, last_error: null },
    ]);

    // The relay meets the outage twice (its old producer, then a fresh connection) and counts it against no row.
    await expectEventually(() => expect(backOffCount()).toBeGreaterThanOrEqual(2), {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    expect(await outboxRows()).toEqual([
      { event_id: eventId, attempts: 0, parked_at: null, last_error: null },
    ]);
    expect(relay.stats).toEqual({ published: 1, failedAttempts: 0, parked: 0 });

    await kafka.start();
    const probe = await collectTopics([topic], kafka.brokers);
    try {
      const withId = (id: string) => probe.messages.filter((m) => m.headers?.['event-id']?.toString() === id);
      await expectEventually(() => expect(withId(eventId)).toHaveLength(1), { timeoutMs: 30_000 });
      await expectEventually(async () => expect(await outboxRows()).toEqual([]), { timeoutMs: 10_000 });
      // The event published before the outage survived the broker restart (the probe may read its
      // partition a little later than the other one).
      await expectEventually(() => expect(withId(before.body.eventId)).toHaveLength(1));
      // The row left the outbox once; nothing published it a second time meanwhile.
      expect(withId(eventId)).toHaveLength(1);
      expect(JSON.parse(withId(eventId)[0].value!.toString())).toMatchObject({
        id: eventId,
        tenantId,
        subjectId: userId,
      });
      expect(relay.stats).toEqual({ published: 2, failedAttempts: 0, parked: 0 });
    } finally {
      await probe.stop();
    }
  });
});
