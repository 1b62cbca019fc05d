import { startPostgresOrUseExternal } from '@therapy-room/local-postgres';
import { startKafkaOrUseExternal } from '@therapy-room/local-kafka';
import { collectTopics } from './kafka-probe';
import { useTestPostgres } from './test-infra';

/**
 * One real PostgreSQL and one real Kafka broker for the whole test run (or the external ones named by
 * DATABASE_ADMIN_URL / KAFKA_BROKERS). Test files isolate themselves with their own database and topic
 * prefix, so they can run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const [postgres, kafka] = await Promise.all([
    startPostgresOrUseExternal({ fast: true }),
    // Every test file makes its own topics (about 170 with their DLQs, 3 partitions each): a whole run
    // ends near 14,000 partitions, which a 512 MB broker serves only in back-to-back full collections
    // (measured: old generation full, 6 minutes in GC, metadata requests timing out in the last files).
    startKafkaOrUseExternal({ heapMb: 2048 }),
  ]);
  // Roles and schemas are provisioned as in a cluster: by a CREATEROLE administrator, not a superuser.
  await useTestPostgres(postgres.adminUrl());
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  // The first consumer group on a new broker waits for __consumer_offsets to be created; do that once
  // here rather than inside some test's timing.
  const probe = await collectTopics(['__test_warm_up'], kafka.brokers);
  await probe.stop();
  (globalThis as Record<string, unknown>).__therapyRoomInfra = { postgres, kafka };
  process.stdout.write(
    `\ntest infrastructure ready in ${Date.now() - started} ms: postgres${postgres.external ? ' (external)' : ''} on ${postgres.port}, kafka${kafka.external ? ' (external)' : ''} on ${kafka.brokers.join(',')}\n`,
  );
}
