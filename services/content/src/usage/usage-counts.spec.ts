import { averagePerUse, suppress } from './usage-counts';

describe('usage counts: small cells are suppressed', () => {
  it.each([
    [0, null],
    [1, null],
    [9, null],
    [10, 10],
    [250, 250],
  ])('a count of %i shows as %p', (count, shown) => {
    expect(suppress(count, 10)).toBe(shown);
  });

  it('shows an average only when both of its counts are shown', () => {
    expect(averagePerUse(30, 12, 10)).toBe(2.5);
    expect(averagePerUse(9, 12, 10)).toBeNull();
    expect(averagePerUse(30, 9, 10)).toBeNull();
  });
});
