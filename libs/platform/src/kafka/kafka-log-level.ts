import { logLevel, type LogEntry } from 'kafkajs';
import { errorCodes } from 'kafkajs/src/protocol/error';

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

const levels: Record<number, KafkaLogLevel> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Broker answers kafkajs retries by itself (coordinator loading, leader elections, metadata propagating). */
const retriableMessages = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

/** What kafkajs logs while it recovers by itself: normal group and broker life, not a failure of ours. */
const routine = new Set([
  // The outbox relay limits the producer's retries on purpose: an unsent row stays in the outbox and
  // the relay sends it again; consumers deduplicate by event id (inbox).
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
  'The group is rebalancing, re-joining',
  'Consumer is not aware of all assigned partitions, refreshing metadata',
]);

/**
 * The level a kafkajs log line is written at. A single failed request that kafkajs retries (a group
 * coordinator still loading while the broker starts, a leader election) is debug: a healthy start
 * prints no warning. Any other failed request is a warning; what finally fails (retries exhausted,
 * a consumer crash) is still an error, said once, and reaches our code as an error too.
 */
export function kafkaLogLevel(entry: Pick<LogEntry, 'level' | 'namespace' | 'log'>): KafkaLogLevel {
  const { message, error } = entry.log as LogEntry['log'] & { error?: unknown };
  const errorText = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  if (routine.has(message)) return 'debug';
  // The producer says this before it refreshes metadata and retries (a leader moved, a broker still
  // starting); if the retries run out, the sender (the outbox relay) gets the error and says so.
  const retrying = /^Failed to send messages: (.*)$/.exec(message);
  if (entry.namespace === 'Producer' && retrying && retriableMessages.has(retrying[1])) return 'debug';
  if (entry.namespace === 'Connection' && entry.level === logLevel.ERROR) {
    return errorText !== undefined && retriableMessages.has(errorText) ? 'debug' : 'warn';
  }
  return levels[entry.level] ?? 'info';
}
