import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { KAFKA } from '../kafka/kafka.module';

export const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);

/**
 * Whether the region's Kafka answers (an admin describeCluster). Reported as the kafka_up metric, never
 * by readiness: writes go to the outbox, so a pod with its database serves while
 * Kafka is down, and failing readiness would take every pod of the region out of the load balancer.
 */
@Injectable()
export class KafkaReachability {
  /** Outcome of the last probe (undefined before the first). */
  last?: { up: boolean; at: Date; error?: string };

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  async probe(timeoutMs = 2000): Promise<boolean> {
    const admin = this.kafka.admin();
    try {
      await withTimeout(
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        timeoutMs,
      );
      this.last = { up: true, at: new Date() };
    } catch (err) {
      this.last = { up: false, at: new Date(), error: (err as Error).message };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return this.last.up;
  }
}
