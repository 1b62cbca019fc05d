import { hostname } from 'node:os';
import { ServerKafka, EventPattern, type KafkaOptions } from '@nestjs/microservices';
import { applyDecorators } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { EventContract } from '@therapy-room/contracts';
import { retryRetriable } from '../kafka/kafka-client';

/** What a handler receives from the transport: the raw Kafka message plus where it came from. */
export type IncomingMessage = KafkaMessage & { topic: string; partition: number };

export interface OnEventOptions {
  /**
   * Every replica receives every event (its own consumer group, from the latest offset) instead of
   * the replicas sharing the work: for per-process state such as caches.
   */
  broadcast?: boolean;
  /**
   * The handler receives the messages of a fetched batch of one partition together (`IncomingMessage[]`,
   * in offset order, at most `BATCH_MAX_MESSAGES` at a time) instead of one by one: for consumers whose
   * cost is per transaction (see EventConsumer.handleBatch). Offsets move on after each handled chunk.
   */
  batch?: boolean;
}

/** The most messages a batch handler receives at once. */
export const BATCH_MAX_MESSAGES = 20;

/** Marks a controller method as the handler of one event contract's topic. */
export const OnEvent = (contract: EventContract, options: OnEventOptions = {}) =>
  applyDecorators(EventPattern(contract.topic, { ...options }));

/**
 * The @nestjs/microservices Kafka transport runs one kafkajs consumer for all of a service's topics,
 * and kafkajs does not fetch again until every batch of the last fetch is handled: one slow or stuck
 * handler stalls every other topic, whatever `partitionsConsumedConcurrently` says (measured in
 * outbox-inbox-dlq.int-spec.ts). This server runs one consumer (own group) per topic instead, so topics
 * progress independently; within a topic, partitions run concurrently and order is kept per partition,
 * hence per subject. It also maps prefixed topic names to contract topics and hands handlers the raw
 * message, so that validation, the inbox and the DLQ happen in one place (EventConsumer).
 */
export class PlatformKafkaServer extends ServerKafka {
  private readonly topicConsumers: Consumer[] = [];
  private readonly groups: { topic: string; groupId: string }[] = [];

  constructor(
    options: KafkaOptions['options'],
    private readonly topicPrefix: string,
    private readonly partitionsConsumedConcurrently: number,
  ) {
    super({
      ...options,
      postfixId: '',
      parser: { keepBinary: true },
      deserializer: {
        deserialize: (message: IncomingMessage, meta?: { channel: string }) => ({
          pattern: (meta?.channel ?? message.topic).slice(topicPrefix.length),
          data: message,
        }),
      },
    });
  }

  override async bindEvents(): Promise<void> {
    for (const [pattern, handler] of this.messageHandlers) {
      const broadcast = (handler.extras as OnEventOptions | undefined)?.broadcast === true;
      const batch = (handler.extras as OnEventOptions | undefined)?.batch === true;
      const consumer = this.client!.consumer({
        ...(this.options.consumer ?? {}),
        groupId: broadcast
          ? `${this.groupId}.${pattern}.${hostname()}-${process.pid}`
          : `${this.groupId}.${pattern}`,
      });
      this.topicConsumers.push(consumer);
      if (!broadcast) this.groups.push({ topic: pattern, groupId: `${this.groupId}.${pattern}` });
      await consumer.connect();
      await retryRetriable(() =>
        consumer.subscribe({ topics: [`${this.topicPrefix}${pattern}`], fromBeginning: !broadcast }),
      );
      await consumer.run(
        batch
          ? {
              partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
              // Resolved chunk by chunk: a batch left early (rebalance, stop) must not count as done.
              eachBatchAutoResolve: false,
              eachBatch: (payload) => this.handleBatch(pattern, payload),
            }
          : {
              partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
              eachMessage: this.getMessageHandler(),
            },
      );
    }
  }

  /**
   * A batch handler's run: the partition's messages in chunks, each chunk's offsets resolved once its
   * handler has returned. A handler that throws leaves the rest unresolved: kafkajs fetches them again.
   */
  private async handleBatch(pattern: string, payload: EachBatchPayload): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    const { batch } = payload;
    const messages = batch.messages.map(
      (m): IncomingMessage => Object.assign(m, { topic: batch.topic, partition: batch.partition }),
    );
    for (let i = 0; i < messages.length; i += BATCH_MAX_MESSAGES) {
      if (!payload.isRunning() || payload.isStale()) return;
      const chunk = messages.slice(i, i + BATCH_MAX_MESSAGES);
      await lastValueFrom(this.transformToObservable(await handler(chunk)), { defaultValue: undefined });
      payload.resolveOffset(chunk[chunk.length - 1].offset);
      await payload.heartbeat();
    }
  }

  /**
   * Patterns here are topic names, never JSON: Nest's default tries JSON.parse on every message's
   * pattern and throws, a measurable cost per message.
   */
  protected override getRouteFromPattern(pattern: string): string {
    return pattern;
  }

  /** The shared consumer groups (one per topic) once bound: for the consumer-lag metric. */
  subscriptions(): { topic: string; groupId: string }[] {
    return [...this.groups];
  }

  override async close(): Promise<void> {
    await Promise.all(this.topicConsumers.splice(0).map((c) => c.disconnect()));
    await super.close();
  }
}
