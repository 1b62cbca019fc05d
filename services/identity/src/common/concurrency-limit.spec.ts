import { ConcurrencyLimit } from './concurrency-limit';

/** A task that finishes when told to, recording that it started. */
function deferredTask(started: number[], n: number) {
  let finish!: () => void;
  const done = new Promise<number>((resolve) => (finish = () => resolve(n)));
  return {
    task: () => {
      started.push(n);
      return done;
    },
    finish: () => finish(),
  };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrency limit', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in order as slots free up', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const tasks = [1, 2, 3, 4].map((n) => deferredTask(started, n));
    const results = tasks.map((t) => limit.run(t.task));
    await settle();
    expect(started).toEqual([1, 2]);
    tasks[1].finish();
    await settle();
    expect(started).toEqual([1, 2, 3]);
    tasks[0].finish();
    await settle();
    expect(started).toEqual([1, 2, 3, 4]);
    tasks[2].finish();
    tasks[3].finish();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
  });

  it('frees the slot of a task that fails, and passes its failure on', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow();
    expect(() => new ConcurrencyLimit(1.5)).toThrow();
  });
});
