const outageErrors = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSLockTimeout',
]);

/**
 * True when the error means "the cluster cannot be reached" rather than "this message is bad".
 * kafkajs wraps the last cause of exhausted retries in `originalError`/`cause`.
 */
export function isKafkaUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: string; originalError?: unknown; cause?: unknown; retriable?: boolean };
    if (e.name && outageErrors.has(e.name)) return true;
    if (e.name === 'KafkaJSNumberOfRetriesExceeded' && !e.originalError && !e.cause) return true;
    current = e.originalError ?? e.cause;
  }
  return false;
}
