import { FixedClock, SystemClock } from './clock';

describe('clock', () => {
  it('the system clock reads the time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a fixed clock moves only when told', () => {
    const clock = new FixedClock(new Date('2026-12-01T10:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(clock.advance(90_000).toISOString()).toBe('2026-12-01T10:01:30.000Z');
    clock.set(new Date('2027-01-01T00:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
