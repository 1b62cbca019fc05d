import { startPostgresOrUseExternal } from '@therapy-room/local-postgres';
import { startKafkaOrUseExternal } from '@therapy-room/local-kafka';

/**
 * One real PostgreSQL and one real Kafka broker for the whole test run (or the external ones named by
 * DATABASE_ADMIN_URL / KAFKA_BROKERS). Test files isolate themselves with their own database and topic
 * prefix, so they can run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const [postgres, kafka] = await Promise.all([
    startPostgresOrUseExternal({ fast: true }),
    startKafkaOrUseExternal(),
  ]);
  process.env.TEST_DATABASE_ADMIN_URL = postgres.adminUrl();
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  (globalThis as Record<string, unknown>).__therapyRoomInfra = { postgres, kafka };
  process.stdout.write(
    `\ntest infrastructure ready in ${Date.now() - started} ms: postgres${postgres.external ? ' (external)' : ''} on ${postgres.port}, kafka${kafka.external ? ' (external)' : ''} on ${kafka.brokers.join(',')}\n`,
  );
}
