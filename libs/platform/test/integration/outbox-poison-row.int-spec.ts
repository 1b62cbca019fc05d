import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { identityUserRegisteredV1 } from '@therapy-room/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { collectTopics, expectEventually, testBrokers } from '@therapy-room/testing';
import { OutboxRelay, withinBytes } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

/** A row Kafka refuses for itself (too large) must not hold up the rows behind it, and ends up parked. */
describe('outbox poison row', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ OUTBOX_MAX_ATTEMPTS: '2' }, { consume: false });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('parks a message larger than the broker accepts after OUTBOX_MAX_ATTEMPTS and publishes the next write', async () => {
    const { app, db, prefix } = fx;
    const relay = app.get(OutboxRelay);
    const probe = await collectTopics([`${prefix}${identityUserRegisteredV1.topic}`]);
    const withId = (id: string) => probe.messages.filter((m) => m.headers?.['event-id']?.toString() === id);
    try {
      // Valid JSON, valid envelope shape, but 1.5 MB: over the broker's default message.max.bytes (~1 MB).
      const poisonId = uuidv7();
      const tenantId = randomUUID();
      const poison = JSON.stringify({
        id: poisonId,
        type: identityUserRegisteredV1.topic,
        occurredAt: new Date().toISOString(),
        tenantId,
        region: 'eea',
        subjectId: null,
        traceparent: null,
        payload: { padding: 'x'.repeat(1_500_000) },
      });
      expect(Buffer.byteLength(poison)).toBeGreaterThan(1_400_000);

      // Both rows wait for the relay together, so they are claimed together; the poison row is over
      // OUTBOX_BATCH_BYTES, so it is sent alone and fails alone (see 'outbox batch bytes' below).
      const userId = randomUUID();
      await relay.beforeApplicationShutdown();
      await db.query(
        `INSERT INTO fixture.outbox (event_id, topic, message_key, message) VALUES ($1, $2, $3, $4)`,
        [poisonId, identityUserRegisteredV1.topic, userId, poison],
      );
      const res = await request(app.getHttpServer())
        .post('/accounts')
        .send({ tenantId: randomUUID(), userId })
        .expect(201);
      const goodId: string = res.body.eventId;
      expect(await db.query(`SELECT event_id FROM fixture.outbox ORDER BY seq`)).toEqual([
        { event_id: poisonId },
        { event_id: goodId },
      ]);
      await relay.onApplicationBootstrap();

      await expectEventually(() => expect(withId(goodId)).toHaveLength(1));
      await expectEventually(
        async () => {
          const rows = await db.query<{
            event_id: string;
            attempts: number;
            parked_at: Date | null;
            last_error: string | null;
          }>(`SELECT event_id, attempts, parked_at, last_error FROM fixture.outbox`);
          expect(rows).toEqual([
            {
              event_id: poisonId,
              attempts: 2,
              parked_at: expect.any(Date),
              last_error: expect.stringMatching(/too large|larger than/i),
            },
          ]);
        },
        // The first failure puts the row off for 2^1 s; the second parks it.
        { timeoutMs: 15_000 },
      );
      expect(relay.stats).toEqual({ published: 1, failedAttempts: 2, parked: 1 });
      expect(withId(poisonId)).toHaveLength(0);
      expect(withId(goodId)).toHaveLength(1);

      // A parked row stays put: later writes still flow and nothing retries it.
      const later = await request(app.getHttpServer())
        .post('/accounts')
        .send({ tenantId: randomUUID(), userId: randomUUID() })
        .expect(201);
      await expectEventually(() => expect(withId(later.body.eventId)).toHaveLength(1));
      // (The relay commits the row's deletion just after Kafka acknowledged it.)
      await expectEventually(async () =>
        expect(await db.query(`SELECT event_id, attempts FROM fixture.outbox`)).toEqual([
          { event_id: poisonId, attempts: 2 },
        ]),
      );
      expect(relay.stats).toEqual({ published: 2, failedAttempts: 2, parked: 1 });
    } finally {
      await probe.stop();
    }
  });
});

/**
 * A batch is capped in bytes (OUTBOX_BATCH_BYTES): an oversized row is sent alone, so its refusal fails
 * no batch, and the rows claimed with it reach Kafka exactly once (a failed batch had its rows for other
 * partitions written, then sent again row by row).
 */
describe('outbox batch bytes', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({ OUTBOX_MAX_ATTEMPTS: '1' }, { consume: false });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('takes rows from the front of a claim up to the byte cap, at least one', () => {
    const rows = [300, 300, 500, 100].map((n) => ({ message: 'x'.repeat(n) }));
    expect(withinBytes(rows, 1000)).toHaveLength(2);
    expect(withinBytes(rows, 10_000)).toHaveLength(4);
    expect(withinBytes([{ message: 'x'.repeat(2000) }, ...rows], 1000)).toHaveLength(1);
  });

  it('sends an oversized row alone: the rows claimed around it reach Kafka exactly once', async () => {
    const { app, db, prefix } = fx;
    const relay = app.get(OutboxRelay);
    const topic = `${prefix}${identityUserRegisteredV1.topic}`;
    await relay.beforeApplicationShutdown();
    const poisonId = uuidv7();
    const register = async () =>
      (
        await request(app.getHttpServer())
          .post('/accounts')
          .send({ tenantId: randomUUID(), userId: randomUUID() })
          .expect(201)
      ).body.eventId as string;
    // Good rows on both sides of the poison one, on many keys (so on every partition of the topic).
    const before = await Promise.all(Array.from({ length: 6 }, register));
    await db.query(
      `INSERT INTO fixture.outbox (event_id, topic, message_key, message) VALUES ($1, $2, $3, $4)`,
      [
        poisonId,
        identityUserRegisteredV1.topic,
        randomUUID(),
        JSON.stringify({ id: poisonId, padding: 'x'.repeat(1_500_000) }),
      ],
    );
    const after = await Promise.all(Array.from({ length: 6 }, register));
    await relay.onApplicationBootstrap();

    await expectEventually(async () =>
      expect(await db.query(`SELECT event_id, parked_at FROM fixture.outbox`)).toEqual([
        { event_id: poisonId, parked_at: expect.any(Date) },
      ]),
    );
    // Everything the relay sent is written (acks from all replicas) before it parks or deletes a row:
    // the topic holds exactly the twelve good events, each once.
    const kafka = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(before.length + after.length);
    } finally {
      await admin.disconnect();
    }
    expect(relay.stats).toEqual({ published: 12, failedAttempts: 1, parked: 1 });
  });
});
