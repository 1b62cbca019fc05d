import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { LocalKafka } from '../src';

const TOPIC = 'local-kafka-int-spec';

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'local-kafka-int-spec', brokers, logLevel: logLevel.NOTHING });
}

async function produce(brokers: string[], values: string[]): Promise<void> {
  const producer = client(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    // The topic is never created explicitly: this also covers auto.create.topics.enable.
    await producer.send({ topic: TOPIC, messages: values.map((value) => ({ key: 'k', value })) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads the topic from the beginning with a fresh group until `count` messages arrived. */
async function consume(brokers: string[], count: number): Promise<string[]> {
  const consumer = client(brokers).consumer({ groupId: `int-spec-${Date.now()}-${Math.random()}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only got ${JSON.stringify(values)}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

function connectionRefused(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('LocalKafka', () => {
  const logs: string[] = [];
  const kafka = new LocalKafka({ onLog: (line) => logs.push(line) });

  afterAll(() => kafka.destroy());

  it('runs a real broker that keeps its data across stop() and start()', async () => {
    await kafka.start();
    const brokers = kafka.brokers;
    expect(brokers).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);

    await produce(brokers, ['one', 'two', 'three']);
    expect(await consume(brokers, 3)).toEqual(['one', 'two', 'three']);

    await kafka.stop();
    expect(await connectionRefused(brokers[0])).toBe(true);

    await kafka.start();
    expect(kafka.brokers).toEqual(brokers);
    await produce(brokers, ['four']);
    expect(await consume(brokers, 4)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('removes the data dir it created on destroy()', async () => {
    const dataDir = (kafka as unknown as { dataDir: string }).dataDir;
    expect(existsSync(`${dataDir}/logs/meta.properties`)).toBe(true);
    await kafka.destroy();
    expect(existsSync(dataDir)).toBe(false);
  });
});
