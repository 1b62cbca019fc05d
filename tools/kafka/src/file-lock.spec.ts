import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withFileLock } from './file-lock';

describe('withFileLock', () => {
  let dir: string;
  let lockDir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'file-lock-'));
    lockDir = path.join(dir, 'nested', 'work.lock');
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs one holder at a time: the second starts only after the first has finished', async () => {
    const events: string[] = [];
    const holder = (name: string) => async () => {
      events.push(`${name} start`);
      // The first holder yields to the event loop while it works; without the lock the second would start now.
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${name} end`);
      return name;
    };

    const results = await Promise.all([
      withFileLock(lockDir, holder('a')),
      withFileLock(lockDir, holder('b')),
    ]);

    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('takes over a lock whose holder stopped refreshing it five minutes ago', async () => {
    await fs.mkdir(lockDir, { recursive: true });
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    await fs.utimes(lockDir, sixMinutesAgo, sixMinutesAgo);

    await expect(withFileLock(lockDir, async () => 'taken over')).resolves.toBe('taken over');
  });

  it('releases the lock when the holder throws, and passes the error on', async () => {
    await expect(
      withFileLock(lockDir, async () => {
        throw new Error('holder failed');
      }),
    ).rejects.toThrow('holder failed');
    expect(existsSync(lockDir)).toBe(false);
    await expect(withFileLock(lockDir, async () => 'next')).resolves.toBe('next');
  });
});
