/**
 * Retries an assertion until it passes or the time is up, then throws its last error. For effects that
 * arrive asynchronously (events, relays); never a fixed sleep.
 */
export async function expectEventually<T>(
  assertion: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
