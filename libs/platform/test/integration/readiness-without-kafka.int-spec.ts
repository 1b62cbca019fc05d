import request from 'supertest';
import { LocalKafka } from '@therapy-room/local-kafka';
import { KafkaReachability } from '@therapy-room/platform';
import { startFixture, type Fixture } from './fixture/start-fixture';

/**
 * Readiness is the database only. Writes go to the outbox while Kafka is down, so a Kafka outage must
 * not take the region's pods out of their Services: Kafka's state is KafkaReachability (the kafka_up
 * metric and its alert). The fixture runs against its own broker, which this file stops.
 */
describe('readiness while Kafka is down', () => {
  const kafka = new LocalKafka();
  let fx: Fixture | undefined;

  beforeAll(async () => {
    await kafka.start();
    fx = await startFixture({ KAFKA_BROKERS: kafka.brokers.join(',') }, { consume: false });
  });
  afterAll(async () => {
    await kafka.start().catch(() => undefined);
    await fx?.stop();
    await kafka.destroy();
  });

  it('stays ready on its database alone, and reports Kafka as down through KafkaReachability', async () => {
    const { app } = fx!;
    const server = app.getHttpServer();
    const reachability = app.get(KafkaReachability);

    expect(await reachability.probe()).toBe(true);
    const before = await request(server).get('/health/ready').expect(200);
    expect(before.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });

    await kafka.stop();

    expect(await reachability.probe()).toBe(false);
    expect(reachability.last).toMatchObject({ up: false });
    const during = await request(server).get('/health/ready').expect(200);
    expect(during.body).toEqual({
      status: 'ok',
      info: { database: { status: 'up' } },
      error: {},
      details: { database: { status: 'up' } },
    });
  });
});
