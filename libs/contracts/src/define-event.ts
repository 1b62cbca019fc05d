import { z } from 'zod';
import { envelopeSchema, topicPattern } from './envelope';

export interface EventContract<T extends string = string, P extends z.ZodType = z.ZodType> {
  readonly topic: T;
  readonly payload: P;
  /** The full message schema: the envelope with this topic's type and payload. */
  readonly message: z.ZodType<z.infer<typeof envelopeSchema> & { type: T; payload: z.infer<P> }>;
  readonly description: string;
  /** Kafka topic settings that differ from the cluster's defaults (e.g. a shorter retention). */
  readonly topicConfig?: TopicConfig;
}

export interface TopicConfig {
  /** How long Kafka keeps the topic's messages (`retention.ms`). */
  retentionMs?: number;
  /** `compact`: Kafka keeps the latest message per key (the topic is a table, e.g. the directory). */
  cleanupPolicy?: 'compact';
  /** Partitions when the topic is created (default: the provisioning's, 3 locally). */
  partitions?: number;
}

export type PayloadOf<C extends EventContract> = z.infer<C['payload']>;
export type MessageOf<C extends EventContract> = z.infer<C['message']>;

/**
 * Declares one version of one event. Payloads are facts and identifiers only: free-text health
 * content never leaves the service that owns it.
 */
export function defineEvent<T extends string, P extends z.ZodObject>(definition: {
  topic: T;
  payload: P;
  description: string;
  topicConfig?: TopicConfig;
}): EventContract<T, P> {
  if (!topicPattern.test(definition.topic)) {
    throw new Error(`Topic "${definition.topic}" does not follow <service>.<entity>.<event>.v<N>`);
  }
  const message = envelopeSchema.extend({
    type: z.literal(definition.topic),
    payload: definition.payload.strict(),
  }) as unknown as EventContract<T, P>['message'];
  return Object.freeze({ ...definition, message });
}

/** Dead-letter topic of a topic. */
export const dlqTopic = (topic: string): string => `${topic}.dlq`;
