import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { identityUserRegisteredV1 } from '@therapy-room/contracts';
import { collectTopics, expectEventually, publishRaw } from '@therapy-room/testing';
import { Metrics } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

const envelope = (payload: object, tenantId: string) => ({
  id: uuidv7(),
  type: identityUserRegisteredV1.topic,
  occurredAt: new Date().toISOString(),
  tenantId,
  region: 'eea',
  subjectId: null,
  traceparent: null,
  payload,
});

/**
 * A handler that fails on one event every time (a bug, a row it can never write) must not hold its
 * partition forever: after EVENT_MAX_ATTEMPTS the event goes to the DLQ with the last error as the
 * reason, and the events behind it on the same partition are handled.
 */
describe('a consumer that keeps failing on one event', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ EVENT_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('tries it EVENT_MAX_ATTEMPTS times, dead-letters it with the reason, then handles the next event of its partition', async () => {
    const topic = `${fx.prefix}${identityUserRegisteredV1.topic}`;
    const dlq = await collectTopics([`${topic}.dlq`]);
    try {
      const tenantId = randomUUID();
      const poison = envelope({ userId: randomUUID(), role: 'client' }, tenantId);
      const next = envelope({ userId: randomUUID(), role: 'client' }, tenantId);
      // Fails on a value the database refuses, every time it is tried (more than the bound allows).
      fx.service.failingValue = { value: 'not a number', times: 1000 };
      // One key: one partition, the poison event first.
      await publishRaw(topic, [{ key: tenantId, value: JSON.stringify(poison) }]);
      await expectEventually(() => expect(dlq.messages).toHaveLength(1), { timeoutMs: 60_000 });
      const triedTimes = 1000 - fx.service.failingValue.times;
      fx.service.failingValue = undefined;
      await publishRaw(topic, [{ key: tenantId, value: JSON.stringify(next) }]);

      await expectEventually(async () =>
        expect(
          await fx.db.query(`SELECT event_id FROM fixture.seen_event WHERE event_id = ANY($1)`, [
            [poison.id, next.id],
          ]),
        ).toEqual([{ event_id: next.id }]),
      );
      expect(triedTimes).toBe(3);
      const [dead] = dlq.messages;
      expect(dead.value!.toString()).toBe(JSON.stringify(poison));
      // The database error is named by its SQLSTATE (22P02), never by its message, which echoes the value.
      expect(dead.headers!['dlq-reason']!.toString()).toBe('failed 3 times, last: database error 22P02');
      expect(dead.headers!['dlq-original-topic']!.toString()).toBe(topic);
      // Nothing of the failed event's effect was kept (each attempt's transaction rolled back).
      expect(await fx.db.query(`SELECT 1 FROM fixture.inbox WHERE event_id = $1`, [poison.id])).toHaveLength(
        0,
      );
      const counted = await fx.app
        .get(Metrics)
        .registry.getSingleMetric('therapy_room_dlq_events_total')!
        .get();
      expect(
        counted.values.find(
          (v) =>
            v.labels.reason === 'attempts-exhausted' && v.labels.topic === identityUserRegisteredV1.topic,
        )?.value,
      ).toBe(1);
    } finally {
      await dlq.stop();
    }
  });

  it('does not count an attempt that failed because the database was away: the event is handled, not dead-lettered', async () => {
    const topic = `${fx.prefix}${identityUserRegisteredV1.topic}`;
    const tenantId = randomUUID();
    const event = envelope({ userId: randomUUID(), role: 'client' }, tenantId);
    // The server ends the handler's connection more times than EVENT_MAX_ATTEMPTS (3) allows.
    fx.service.databaseAway = 4;
    await publishRaw(topic, [{ key: tenantId, value: JSON.stringify(event) }]);
    await expectEventually(
      async () =>
        expect(
          await fx.db.query(`SELECT event_id FROM fixture.seen_event WHERE event_id = $1`, [event.id]),
        ).toEqual([{ event_id: event.id }]),
      { timeoutMs: 60_000 },
    );
    expect(fx.service.databaseAway).toBe(0);
  });
});
