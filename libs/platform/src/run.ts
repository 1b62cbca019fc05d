import type { Type } from '@nestjs/common';
import { startTelemetry } from './telemetry/telemetry';

/**
 * A service's main: telemetry first (it must patch http, express and pg before they load), then the
 * platform and the service's module, loaded lazily for that reason.
 */
export function runService(name: string, loadModule: () => Promise<Type<unknown>>): void {
  startTelemetry(name);
  void (async () => {
    const { bootstrap } = await import('./bootstrap');
    await bootstrap(await loadModule());
  })().catch((err: unknown) => {
    process.stderr.write(`${name} failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
