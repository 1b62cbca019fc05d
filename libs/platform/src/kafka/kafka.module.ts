import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';
import { PLATFORM_LOGGER } from '../logging/logger.module';
import { createKafka, kafkaConnection } from './kafka-client';

export const KAFKA = Symbol('KAFKA');

/**
 * The service's one idempotent producer (used by the outbox relay and the DLQ). It connects lazily and
 * reconnects after failures, so a service starts and takes writes while Kafka is down.
 */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async get(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = undefined;
      });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  /** Drops the connection so the next get() reconnects (after a send failed). */
  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown() {
    await this.reset();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: KAFKA,
      inject: [PLATFORM_CONFIG, PLATFORM_LOGGER],
      useFactory: (config: BaseConfig, logger: Logger) =>
        createKafka({
          clientId: config.KAFKA_CLIENT_ID ?? config.SERVICE_NAME,
          ...kafkaConnection(config),
          logger,
        }),
    },
    KafkaProducer,
  ],
  exports: [KAFKA, KafkaProducer],
})
export class KafkaModule {}
