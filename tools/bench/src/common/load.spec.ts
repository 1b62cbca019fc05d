import { openLoop } from './load';

describe('openLoop', () => {
  it('starts every call on its schedule without waiting for earlier answers', async () => {
    const scheduled: number[] = [];
    let release!: () => void;
    const answered = new Promise<void>((r) => (release = r));
    // No call is answered before the last one has started: a loop that waited for answers would never finish.
    const result = await openLoop(500, 0.04, async (i, scheduledAt) => {
      scheduled[i] = scheduledAt;
      if (scheduled.filter((s) => s !== undefined).length === 20) release();
      await answered;
    });
    expect(result.count).toBe(20);
    expect(result.failed).toBe(0);
    expect(result.startLag).toHaveLength(20);
    expect(result.startLag.every((lag) => lag >= 0)).toBe(true);
    // A fixed arrival rate: 2 ms apart, whatever the answers.
    scheduled.forEach((at, i) => expect(at - scheduled[0]).toBeCloseTo(2 * i, 6));
  });

  it('counts the calls that failed instead of stopping', async () => {
    const result = await openLoop(1000, 0.02, async (i) => {
      if (i % 2) throw new Error('refused');
    });
    expect(result).toMatchObject({ count: 20, failed: 10 });
  });
});
