import { normaliseIpAddress } from './source-address';

describe('normaliseIpAddress', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:DB8::1', '2001:db8::1'],
    [' ::1 ', '::1'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseIpAddress(input)).toBe(expected);
  });

  it.each(['', 'localhost', '203.0.113.7, 10.0.0.1', '999.1.1.1', undefined, null])('refuses %p', (input) => {
    expect(normaliseIpAddress(input)).toBeUndefined();
  });
});
