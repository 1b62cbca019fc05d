import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { errorCode } from './child-processes';

const LOCK_STALE_MS = 5 * 60_000;
const LOCK_HEARTBEAT_MS = 30_000;
const LOCK_POLL_MS = 250;

/**
 * Runs `fn` while holding a lock shared by every process on this machine: a directory created with
 * mkdir (atomic), kept fresh by a heartbeat so waiters can tell a slow holder from a dead one (a lock
 * untouched for 5 minutes is taken over).
 */
export async function withFileLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  await acquireLock(lockDir);
  // Keeps the lock fresh while `fn` runs so waiters do not mistake a slow holder for a dead one.
  const heartbeat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockDir, now, now).catch(() => undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    await fs.rm(lockDir, { recursive: true, force: true });
  }
}

async function acquireLock(lockDir: string): Promise<void> {
  await fs.mkdir(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await fs.mkdir(lockDir);
      return;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    if (await isStaleLock(lockDir)) await fs.rm(lockDir, { recursive: true, force: true });
    else await delay(LOCK_POLL_MS);
  }
}

async function isStaleLock(lockDir: string): Promise<boolean> {
  try {
    const { mtimeMs } = await fs.stat(lockDir);
    return Date.now() - mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // released meanwhile; the next mkdir attempt decides
  }
}
