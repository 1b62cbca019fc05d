import { Inject, Injectable } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { dlqTopic } from '@therapy-room/contracts';
import { PLATFORM_CONFIG, type BaseConfig } from '../config/config';
import { KAFKA } from '../kafka/kafka.module';
import { prefixed } from '../kafka/kafka-client';
import { KafkaReachability, withTimeout } from '../health/kafka-reachability';
import { Metrics } from './metrics';

/** A consumer group of this service and the topic it reads (see PlatformKafkaServer). */
export interface ConsumerSubscription {
  /** Contract topic, without the deployment's prefix. */
  topic: string;
  groupId: string;
}

const SCRAPE_TIMEOUT_MS = 5000;

/**
 * Kafka as this service sees it, computed at scrape time: kafka_up (the broker answers; an alert, not
 * readiness), consumer lag per topic and group (latest offset minus committed offset, summed over
 * partitions), and the messages held in the dead-letter topic of each consumed topic. Every replica
 * reports the same group's lag: aggregate with max by (topic, group).
 */
@Injectable()
export class KafkaMetrics {
  private consumers: () => ConsumerSubscription[] = () => [];

  constructor(
    metrics: Metrics,
    private readonly reachability: KafkaReachability,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {
    metrics.gauge(
      'kafka_up',
      'Whether the region Kafka answers this service (1) or not (0)',
      [],
      async (g) => {
        g.set((await this.reachability.probe()) ? 1 : 0);
      },
    );
    metrics.gauge(
      'kafka_consumer_lag',
      'Messages not yet consumed (latest minus committed offset), per topic and consumer group',
      ['topic', 'group'],
      (g) => this.collect(g, 'lag'),
    );
    metrics.gauge(
      'dlq_messages',
      'Messages held in the dead-letter topic of a consumed topic (latest minus earliest offset)',
      ['topic'],
      (g) => this.collect(g, 'dlq'),
    );
  }

  /** The consumer groups to report (the service's Kafka server knows them once it has bound its handlers). */
  watchConsumers(source: { subscriptions(): ConsumerSubscription[] }) {
    this.consumers = () => source.subscriptions();
  }

  private async collect(
    gauge: { reset(): void; set(labels: Record<string, string>, value: number): void },
    what: 'lag' | 'dlq',
  ) {
    gauge.reset();
    const subscriptions = this.consumers();
    if (subscriptions.length === 0) return;
    const admin = this.kafka.admin();
    try {
      await withTimeout(
        (async () => {
          await admin.connect();
          for (const { topic, groupId } of subscriptions) {
            if (what === 'lag') gauge.set({ topic, group: groupId }, await this.lag(admin, topic, groupId));
            else gauge.set({ topic }, await this.held(admin, dlqTopic(topic)).catch(() => 0));
          }
        })(),
        SCRAPE_TIMEOUT_MS,
      );
    } catch {
      // Kafka does not answer: kafka_up says so; the series are absent rather than wrong.
      gauge.reset();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async lag(admin: Admin, topic: string, groupId: string): Promise<number> {
    const name = prefixed(this.config.KAFKA_TOPIC_PREFIX, topic);
    const [latest, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(name),
      admin.fetchOffsets({ groupId, topics: [name] }),
    ]);
    const committedBy = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    let lag = 0;
    for (const p of latest) {
      const done = committedBy.get(p.partition) ?? -1;
      lag += Number(p.high) - (done >= 0 ? done : Number(p.low));
    }
    return lag;
  }

  private async held(admin: Admin, topic: string): Promise<number> {
    const offsets = await admin.fetchTopicOffsets(prefixed(this.config.KAFKA_TOPIC_PREFIX, topic));
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }
}
