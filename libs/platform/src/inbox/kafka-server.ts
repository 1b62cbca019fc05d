import { ServerKafka, EventPattern, type KafkaOptions } from '@nestjs/microservices';
import { applyDecorators } from '@nestjs/common';
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { EventContract } from '@therapy-room/contracts';

/** What a handler receives from the transport: the raw Kafka message plus where it came from. */
export type IncomingMessage = KafkaMessage & { topic: string; partition: number };

/** Marks a controller method as the handler of one event contract's topic. */
export const OnEvent = (contract: EventContract) => applyDecorators(EventPattern(contract.topic));

/**
 * The @nestjs/microservices Kafka transport runs one kafkajs consumer for all of a service's topics:
 * with the default of one partition at a time, a slow handler stalls every other topic. This server
 * consumes `partitionsConsumedConcurrently` partitions in parallel (order is kept within a partition,
 * hence per subject), maps prefixed topic names to contract topics, and hands handlers the raw
 * message so that validation, the inbox and the DLQ happen in one place (EventConsumer).
 */
export class PlatformKafkaServer extends ServerKafka {
  constructor(
    options: KafkaOptions['options'],
    private readonly topicPrefix: string,
    private readonly partitionsConsumedConcurrently: number,
  ) {
    super({
      ...options,
      postfixId: '',
      parser: { keepBinary: true },
      subscribe: { fromBeginning: true },
      deserializer: {
        deserialize: (message: IncomingMessage, meta?: { channel: string }) => ({
          pattern: (meta?.channel ?? message.topic).slice(topicPrefix.length),
          data: message,
        }),
      },
    });
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length) {
      await consumer.subscribe({ topics: patterns.map((p) => `${this.topicPrefix}${p}`), fromBeginning: true });
    }
    await consumer.run({
      partitionsConsumedConcurrently: this.partitionsConsumedConcurrently,
      eachMessage: this.getMessageHandler(),
    });
  }
}
