import { chmodSync, existsSync, lstatSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { postgresUser, reachable } from '../src/reachable';

jest.setTimeout(120_000);

// As root, PostgreSQL runs as the postgres system user; elsewhere there is no other user to reach anything.
const asRoot = process.getuid?.() === 0 ? describe : describe.skip;

asRoot('the local PostgreSQL under a private folder (running as root)', () => {
  const privateRoot = mkdtempSync(join(tmpdir(), 'private-'));
  afterAll(() => {
    const cluster = join(privateRoot, 'postgres-eea', 'data');
    if (existsSync(cluster)) rmSync(realpathSync(cluster), { recursive: true, force: true });
    rmSync(privateRoot, { recursive: true, force: true });
  });

  it('sees that the postgres user cannot traverse a mode-700 folder of root', () => {
    chmodSync(privateRoot, 0o700);
    expect(statSync(privateRoot).mode & 0o777).toBe(0o700);
    expect(reachable(join(privateRoot, 'pg'), postgresUser())).toBe(false);
    expect(reachable(tmpdir(), postgresUser())).toBe(true);
  });

  it('starts, keeps its data across restarts, and leaves the folder where it was asked', () => {
    const dataDir = join(privateRoot, 'postgres-eea');
    const query = (sql: string) => {
      const run = spawnSync(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, 'run-local-postgres.ts'), dataDir, sql],
        { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 90_000 },
      );
      if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
      return JSON.parse(run.stdout) as unknown;
    };
    query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
    expect(lstatSync(join(dataDir, 'data')).isSymbolicLink()).toBe(true);
    expect(query('SELECT v FROM kept')).toEqual([{ v: 42 }]);
  });
});
