import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import {
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  type EventContract,
  type MessageOf,
  type PayloadOf,
  type Region,
} from '@therapy-room/contracts';
import { testBrokers, uniqueName } from './test-infra';

export const testKafka = (brokers = testBrokers()): Kafka =>
  new Kafka({
    clientId: uniqueName('test'),
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3000 },
  });

const JOIN_TIMEOUT_MS = 30_000;

/** Reads everything that arrives on the given topics into an array, for assertions. */
export async function collectTopics(
  topics: string[],
  brokers = testBrokers(),
): Promise<{ messages: (KafkaMessage & { topic: string })[]; stop(): Promise<void> }> {
  const kafka = testKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length)
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: 3 })),
    });
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: uniqueName('probe'), maxWaitTimeInMs: 100 });
  const messages: (KafkaMessage & { topic: string })[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  // Waits for the group join, but not forever: a consumer that crashed for good (kafkajs restarts it
  // only after retriable errors) would otherwise hang the test until its timeout, without saying why.
  let joined!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((joined = resolve), (failed = reject)));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart)
      failed(new Error(`probe on ${topics.join(', ')} crashed: ${payload.error.message}`));
  });
  const timer = setTimeout(
    () =>
      failed(new Error(`probe on ${topics.join(', ')} did not join its group within ${JOIN_TIMEOUT_MS} ms`)),
    JOIN_TIMEOUT_MS,
  );
  try {
    await consumer.run({
      eachMessage: async ({ topic, message }) => void messages.push({ ...message, topic }),
    });
    await ready;
  } catch (err) {
    await consumer.disconnect().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { messages, stop: () => consumer.disconnect() };
}

/** Publishes raw messages (possibly malformed: that is the point in DLQ tests). */
export async function publishRaw(
  topic: string,
  messages: { key?: string; value: string; headers?: Record<string, string> }[],
  brokers = testBrokers(),
): Promise<void> {
  const producer = testKafka(brokers).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

/**
 * Publishes one contract-valid event, as the owning service's relay would (same envelope, key and
 * headers): for a service's tests that stand in for another service's events.
 */
export async function publishEvent<C extends EventContract>(
  prefix: string,
  contract: C,
  payload: PayloadOf<C>,
  envelope: {
    tenantId: string;
    subjectId?: string | null;
    id?: string;
    occurredAt?: string;
    region?: Region;
  },
): Promise<MessageOf<C>> {
  const message = contract.message.parse({
    id: envelope.id ?? uuidv7(),
    type: contract.topic,
    occurredAt: envelope.occurredAt ?? new Date().toISOString(),
    tenantId: envelope.tenantId,
    region: envelope.region ?? 'eea',
    subjectId: envelope.subjectId ?? null,
    traceparent: null,
    payload,
  }) as MessageOf<C>;
  await publishRaw(`${prefix}${contract.topic}`, [
    {
      key: message.subjectId ?? message.tenantId,
      value: JSON.stringify(message),
      headers: { 'event-id': message.id, 'event-type': message.type, 'tenant-id': message.tenantId },
    },
  ]);
  return message;
}

/**
 * An account written straight into identity's table (e.g. `addActiveUser`) announced as identity would
 * announce it: its registration and its display name, so caseload and audit know the person.
 */
export async function announceAccount(
  prefix: string,
  tenantId: string,
  account: { id: string; role: 'professional' | 'client'; displayName: string },
): Promise<void> {
  const envelope = { tenantId, subjectId: account.id };
  await publishEvent(prefix, identityUserRegisteredV1, { userId: account.id, role: account.role }, envelope);
  await publishEvent(
    prefix,
    identityUserProfileChangedV1,
    { userId: account.id, displayName: account.displayName },
    envelope,
  );
}
