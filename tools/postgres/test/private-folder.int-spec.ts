import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

describe('the local PostgreSQL after a start stopped during initdb', () => {
  it('initialises again instead of refusing the half-written folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'half-'));
    chmodSync(root, 0o755);
    const dataDir = join(root, 'postgres-eea');
    mkdirSync(join(dataDir, 'data', 'base'), { recursive: true });
    writeFileSync(join(dataDir, 'data', 'postgresql.conf'), '# initdb was stopped here\n');
    try {
      const run = spawnSync(
        process.execPath,
        ['-r', '@swc-node/register', join(__dirname, 'run-local-postgres.ts'), dataDir, 'SELECT 1 AS one'],
        { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 90_000 },
      );
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual([{ one: 1 }]);
    } finally {
      const cluster = join(dataDir, 'data');
      if (lstatSync(cluster, { throwIfNoEntry: false })?.isSymbolicLink())
        rmSync(realpathSync(cluster), { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
