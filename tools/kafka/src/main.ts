import { ensureKafkaClasspath, LocalKafka } from './local-kafka';

const writeLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function fetchOnly(): Promise<void> {
  const classpath = await ensureKafkaClasspath({ onLog: writeLog });
  process.stdout.write(`Kafka classpath ready (${classpath.length} chars)\n`);
}

async function runBroker(): Promise<void> {
  const kafka = new LocalKafka({ onLog: writeLog });
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    process.stderr.write(`local-kafka: ${signal} received, stopping broker\n`);
    stopping = kafka.destroy().then(() => process.exit(0));
  };
  // Registered before start() so an early Ctrl-C still cleans up the broker and its data dir.
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await kafka.start();
  process.stdout.write(`KAFKA_BROKERS=${kafka.brokers.join(',')}\n`);
}

const run = process.argv.includes('--fetch-only') ? fetchOnly : runBroker;
run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
