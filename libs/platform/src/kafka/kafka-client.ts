import { readFileSync } from 'node:fs';
import { ConfigResourceTypes, Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { BaseConfig } from '../config/config';
import type { Logger } from 'pino';
import { dlqTopic, eventContracts, topics } from '@therapy-room/contracts';
import { kafkaLogLevel } from './kafka-log-level';

/**
 * kafkajs log lines through pino, at the level `kafkaLogLevel` gives them: what kafkajs retries by
 * itself is quiet; what finally fails reaches our code as an error.
 */
export const kafkaLogCreator = (logger: Logger) => () => (entry: LogEntry) => {
  // A handler's error (e.g. "Error when calling eachMessage") goes through the logger's err
  // serializer; its raw stack is left out, as its first line is the error's message.
  const {
    message,
    error,
    stack: _stack,
    ...rest
  } = entry.log as LogEntry['log'] & {
    error?: unknown;
    stack?: unknown;
  };
  const level = kafkaLogLevel(entry);
  const failure =
    error instanceof Error ? { err: error } : error !== undefined ? { error: String(error) } : {};
  logger[level]({ context: 'kafka', namespace: entry.namespace, ...rest, ...failure }, message);
};

/** Brokers and TLS, the same for the producer, the admin and the consumers. */
export function kafkaConnection(
  config: Pick<BaseConfig, 'KAFKA_BROKERS' | 'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE'>,
): { brokers: string[]; ssl?: KafkaConfig['ssl'] } {
  if (!config.KAFKA_SSL) return { brokers: config.KAFKA_BROKERS };
  return {
    brokers: config.KAFKA_BROKERS,
    ssl: config.KAFKA_SSL_CA_FILE
      ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')], rejectUnauthorized: true }
      : true,
  };
}

export function createKafka(options: {
  clientId: string;
  brokers: string[];
  ssl?: KafkaConfig['ssl'];
  logger: Logger;
  extra?: Partial<KafkaConfig>;
}): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger),
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    ...options.extra,
  });
}

export const prefixed = (prefix: string, topic: string): string => `${prefix}${topic}`;

/** Creates every contract topic and its DLQ if missing (idempotent). Clusters may instead manage topics with an operator. */
export async function provisionTopics(kafka: Kafka, prefix: string, numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    // A topic's own settings (e.g. a short retention for personal data) hold for its DLQ too.
    const configOf = new Map<string, { name: string; value: string }[]>();
    const partitionsOf = new Map<string, number>();
    for (const topic of topics) {
      const { retentionMs, cleanupPolicy, partitions } = eventContracts[topic].topicConfig ?? {};
      if (partitions) partitionsOf.set(prefixed(prefix, topic), partitions);
      const entries = [
        ...(retentionMs ? [{ name: 'retention.ms', value: String(retentionMs) }] : []),
        ...(cleanupPolicy ? [{ name: 'cleanup.policy', value: cleanupPolicy }] : []),
      ];
      configOf.set(prefixed(prefix, topic), entries);
      configOf.set(prefixed(prefix, dlqTopic(topic)), entries);
    }
    const wanted = [...configOf.keys()].filter((t) => !existing.has(t));
    // A setting added to a contract later (e.g. a shorter retention) also reaches a topic that exists.
    const changed = [...configOf].filter(([t, entries]) => existing.has(t) && entries.length);
    if (changed.length) {
      await retryRetriable(() =>
        admin.alterConfigs({
          validateOnly: false,
          resources: changed.map(([name, configEntries]) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configEntries,
          })),
        }),
      );
    }
    if (wanted.length) {
      await retryRetriable(() =>
        admin.createTopics({
          waitForLeaders: true,
          topics: wanted.map((topic) => ({
            topic,
            numPartitions: partitionsOf.get(topic) ?? numPartitions,
            configEntries: configOf.get(topic),
          })),
        }),
      );
      // A new topic can take a moment to appear in every broker's metadata; consumers subscribing
      // before that fail with UNKNOWN_TOPIC_OR_PARTITION.
      await retryRetriable(async () => {
        const { topics: described } = await admin.fetchTopicMetadata({ topics: wanted });
        const leaderless = described.filter(
          (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
        );
        if (leaderless.length)
          throw Object.assign(
            new Error(`topics without leaders: ${leaderless.map((t) => t.name).join(', ')}`),
            { retriable: true },
          );
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Retries an operation while kafkajs says its error is retriable (metadata still propagating, leader elections). */
export async function retryRetriable<T>(operation: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await operation();
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
