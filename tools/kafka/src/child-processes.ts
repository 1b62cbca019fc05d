import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type LogSink = (line: string) => void;

export const discard: LogSink = () => undefined;

const LOG_TAIL_LINES = 40;
const PREREQUISITES_HINT =
  'Java 17 and Maven are prerequisites of the local Kafka broker (tools/kafka). ' +
  'Install them, e.g. `apt-get install -y openjdk-17-jre-headless maven` ' +
  '(or set KAFKA_BROKERS to use an existing Kafka).';

const runningChildren = new Set<ChildProcess>();
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killRunningChildren(): void {
  for (const child of runningChildren) child.kill('SIGKILL');
}

function onFatalSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (e.g. a CLI doing a clean stop); the exit hook stays the backstop.
  if (process.listenerCount(signal) > 1) return;
  killRunningChildren();
  removeExitHooks();
  process.kill(process.pid, signal); // re-raise so the default "terminate" behaviour still happens
}

function installExitHooks(): void {
  process.on('exit', killRunningChildren);
  // Prepended so the count in onFatalSignal still sees `process.once` listeners (they detach before running).
  for (const signal of FORWARDED_SIGNALS) process.prependListener(signal, onFatalSignal);
}

function removeExitHooks(): void {
  process.off('exit', killRunningChildren);
  for (const signal of FORWARDED_SIGNALS) process.off(signal, onFatalSignal);
}

export function trackChild(child: ChildProcess, exited: Promise<void>): void {
  if (runningChildren.size === 0) installExitHooks();
  runningChildren.add(child);
  void exited.then(() => {
    runningChildren.delete(child);
    if (runningChildren.size === 0) removeExitHooks();
  });
}

// Maven 3.8 prints bare ANSI reset codes even with -B -q; they carry no information.
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

export function forEachLine(stream: Readable | null, onLine: LogSink): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (raw: string) => {
    const line = raw.replace(ANSI_ESCAPE, '');
    if (line.trim().length > 0) onLine(line);
  });
}

/** Runs a short-lived command, streaming its output to `log`; rejects with the output tail on failure. */
export function runToCompletion(command: string, args: string[], log: LogSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child, new Promise((done) => child.once('close', () => done())));
    const output: string[] = [];
    const collect = (line: string): void => {
      output.push(line);
      log(line);
    };
    forEachLine(child.stdout, collect);
    forEachLine(child.stderr, collect);
    child.once('error', (error) => reject(prerequisiteError(command, error)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.slice(-LOG_TAIL_LINES).join('\n');
      reject(
        new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit code ${code}`}):\n${tail}`),
      );
    });
  });
}

export function requireCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, (error) => (error ? reject(prerequisiteError(command, error)) : resolve()));
  });
}

function prerequisiteError(command: string, cause: Error): Error {
  const problem = errorCode(cause) === 'ENOENT' ? 'was not found on PATH' : `failed: ${cause.message}`;
  return new Error(`\`${command}\` ${problem}. ${PREREQUISITES_HINT}`, { cause });
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
