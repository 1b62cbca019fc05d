import type { KafkaMessage } from 'kafkajs';
import { testKafka } from './kafka-probe';
import { uniqueName } from './test-infra';

export interface ScannedRecord {
  topic: string;
  partition: number;
  offset: string;
  /** Key, value and header values as text, for searching. */
  text: string;
}

const asText = (message: KafkaMessage): string =>
  [
    message.key?.toString('utf8') ?? '',
    message.value?.toString('utf8') ?? '',
    ...Object.values(message.headers ?? {}).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))),
  ].join('\n');

/**
 * Every record of every topic of a cluster (internal topics included, `__consumer_offsets` aside: it
 * holds group offsets, not messages), read from the beginning up to the end each partition had when the
 * scan started: the whole content of a Kafka cluster, for residency checks.
 */
export async function scanAllRecords(
  brokers: string[],
): Promise<{ topics: string[]; records: ScannedRecord[] }> {
  const kafka = testKafka(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t !== '__consumer_offsets').sort();
  const remaining = new Map<string, bigint>();
  for (const topic of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) remaining.set(`${topic}:${partition}`, BigInt(high));
    }
  }
  await admin.disconnect();
  const records: ScannedRecord[] = [];
  if (remaining.size === 0) return { topics, records };
  const consumer = kafka.consumer({ groupId: uniqueName('scan'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({
      topics: [...new Set([...remaining.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))],
      fromBeginning: true,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`scan did not finish: ${[...remaining.keys()].join(', ')}`)),
        60_000,
      );
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            const key = `${topic}:${partition}`;
            const high = remaining.get(key);
            if (high === undefined) return;
            if (BigInt(message.offset) < high)
              records.push({ topic, partition, offset: message.offset, text: asText(message) });
            if (BigInt(message.offset) + 1n >= high) remaining.delete(key);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { topics, records };
}
