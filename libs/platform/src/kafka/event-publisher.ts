import { Inject, Injectable } from '@nestjs/common';
import type { EventContract, MessageOf, PayloadOf } from '@therapy-room/contracts';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';
import { buildEventMessage, type EventMessageOptions } from '../outbox/event-message';
import { prefixed } from './kafka-client';
import { KafkaProducer } from './kafka.module';

/**
 * Publishes one event now and resolves once every in-sync replica has it (acks=all). Only for a
 * process without a database (the gateway), where there is no transaction to put an outbox row in:
 * the caller must treat a rejection as "not recorded" and refuse the work it was about to do.
 * Services with a database use OutboxService, never this; a process that needs it lists it among its
 * providers (KafkaModule, which is global, gives it the producer).
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly producer: KafkaProducer,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {}

  async publish<C extends EventContract>(
    contract: C,
    payload: PayloadOf<C>,
    options: EventMessageOptions,
  ): Promise<MessageOf<C>> {
    const { message, key, headers } = buildEventMessage(contract, payload, options, this.config.REGION);
    try {
      const producer = await this.producer.get();
      await producer.send({
        topic: prefixed(this.config.KAFKA_TOPIC_PREFIX, contract.topic),
        acks: -1,
        messages: [{ key, value: JSON.stringify(message), headers }],
      });
    } catch (err) {
      // The next publish starts from a fresh connection.
      await this.producer.reset();
      throw err;
    }
    return message;
  }
}
