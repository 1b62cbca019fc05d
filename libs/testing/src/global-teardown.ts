interface Stoppable {
  stop(): Promise<void>;
}
export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as Record<string, unknown>).__therapyRoomInfra as
    | { postgres: Stoppable; kafka: Stoppable }
    | undefined;
  if (!infra) return;
  await Promise.allSettled([infra.kafka.stop(), infra.postgres.stop()]);
}
