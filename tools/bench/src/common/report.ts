import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { progress, shutdown } from './lifecycle';

/** Prints a benchmark's report and keeps it as tools/bench/results/<name>-<start time>.md. */
export function writeReport(name: string, startedAt: Date, report: string): void {
  process.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
  const dir = path.join(__dirname, '..', '..', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${startedAt.toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, report);
  progress(`report written to ${path.relative(process.cwd(), file)}`);
}

/** Runs a benchmark: everything it started is stopped whatever the outcome; exit 1 on failure. */
export function runBenchmark(main: () => Promise<void>): void {
  main()
    .then(() => shutdown())
    .then(() => process.exit(0))
    .catch(async (err: Error) => {
      progress(`failed: ${err.stack ?? err.message}`);
      await shutdown();
      process.exit(1);
    });
}
