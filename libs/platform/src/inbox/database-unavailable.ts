/**
 * Whether a handler failed because the database could not be reached (refused, cut, shutting down,
 * starting up, too many connections) rather than because of the event. Such a failure says nothing
 * about the event: it is retried without counting towards EVENT_MAX_ATTEMPTS, or a PostgreSQL restart
 * would send every event handled during it to the DLQ (the fault suite's replay found one that way).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now),
      // 53300 (too many connections); Node's socket errors.
      if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
      if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) return true;
    }
    if (
      typeof message === 'string' &&
      /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
        message,
      )
    )
      return true;
    // TypeORM's QueryFailedError keeps the driver's error; AggregateError (several addresses) its errors.
    const next =
      (e as { driverError?: unknown; cause?: unknown; errors?: unknown[] }).driverError ??
      (e as { cause?: unknown }).cause ??
      (e as { errors?: unknown[] }).errors?.[0];
    e = next;
  }
  return false;
}
