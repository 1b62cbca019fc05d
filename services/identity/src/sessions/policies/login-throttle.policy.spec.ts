import {
  accountKey,
  admit,
  emptyCounter,
  refund,
  refundAddress,
  throttleAddress,
  type LoginThrottlePolicy,
  type ThrottleCounter,
} from './login-throttle.policy';

const policy: LoginThrottlePolicy = {
  windowMs: 15 * 60_000,
  delayAfter: 5,
  delayBaseMs: 1000,
  lockAfter: 10,
  addressLockAfter: 50,
  accountLockAfter: 10,
};
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

/** Drives one (account, address) pair: every attempt fails; returns the outcome of each. */
function guess(times: number, everySeconds: number, start = 0) {
  let account: ThrottleCounter = emptyCounter();
  let address: ThrottleCounter = emptyCounter();
  const outcomes: string[] = [];
  for (let i = 0; i < times; i++) {
    const result = admit(account, address, at(start + i * everySeconds), policy);
    if (result.admitted) {
      ({ account, address } = result);
      outcomes.push('evaluated');
    } else outcomes.push(result.outcome);
  }
  return { outcomes, account, address };
}

describe('login throttle policy', () => {
  it('evaluates at most 10 guesses per 15 minutes for one (account, address), however they are paced', () => {
    for (const every of [0, 1, 5, 30, 89]) {
      const { outcomes } = guess(200, every);
      const times = outcomes.map((o, i) => ({ o, t: i * every }));
      for (const { t: start } of times) {
        const inSpan = times.filter(({ o, t }) => o === 'evaluated' && t >= start && t < start + 900);
        expect(inSpan.length).toBeLessThanOrEqual(10);
      }
    }
  });

  it('delays from the 5th failure, doubling, and locks at the 10th until a window has passed', () => {
    const { outcomes } = guess(20, 5);
    expect(outcomes.slice(0, 8)).toEqual(Array(8).fill('evaluated'));
    expect(outcomes.filter((o) => o === 'evaluated')).toHaveLength(10);
    expect(outcomes.includes('throttled')).toBe(true);
    expect(outcomes.at(-1)).toBe('locked');
    const locked = admit(guess(10, 60).account, emptyCounter(), at(9 * 60 + 1), policy);
    expect(locked).toEqual({ admitted: false, outcome: 'locked', retryAfterSeconds: 899 });
    expect(admit(guess(10, 60).account, emptyCounter(), at(9 * 60 + 900), policy).admitted).toBe(true);
  });

  it('answers a delayed attempt with the seconds left', () => {
    const { account } = guess(5, 0);
    expect(admit(account, emptyCounter(), at(0), policy)).toEqual({
      admitted: false,
      outcome: 'throttled',
      retryAfterSeconds: 1,
    });
  });

  it('locks an address with 50 failures across accounts, for every account', () => {
    let address = emptyCounter();
    for (let i = 0; i < 50; i++) {
      const result = admit(emptyCounter(), address, at(i), policy);
      if (!result.admitted) throw new Error(`refused at ${i}`);
      address = result.address;
    }
    expect(admit(emptyCounter(), address, at(60), policy)).toMatchObject({
      admitted: false,
      outcome: 'locked',
    });
    expect(refundAddress(address, policy)).toMatchObject({ failures: 49, blockedUntil: null });
  });

  it('keys existing and unknown accounts alike and never by the plain e-mail', () => {
    const key = accountKey({ tenantId: 'a' }, 'x@example.org');
    expect(key).toHaveLength(32);
    expect(key.toString('latin1')).not.toContain('x@example.org');
    expect(accountKey({ slug: 'a' }, 'x@example.org').equals(key)).toBe(false);
  });

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['1:2:3::4.5.6.7', '1:2:3:0::/64'],
    ['1:2::3:4:5:1.2.3.4', '1:2:0:3::/64'],
  ])('counts %s as %s', (ip, expected) => {
    expect(throttleAddress(ip)).toBe(expected);
  });
});

describe('login throttle policy: the account across addresses', () => {
  it('locks the account pool at 10 failures whatever the addresses, and a success gives back one charge only', () => {
    let pool: ThrottleCounter = emptyCounter();
    const outcomes: string[] = [];
    for (let i = 0; i < 50; i++) {
      // A fresh (account, address) pair and a fresh address each time: only the pool remembers.
      const result = admit(emptyCounter(), emptyCounter(), at(i * 5), policy, pool);
      if (result.admitted) {
        pool = result.pool!;
        outcomes.push('evaluated');
      } else outcomes.push(result.outcome);
    }
    expect(outcomes.filter((o) => o === 'evaluated')).toHaveLength(10);
    expect(outcomes.slice(10)).toEqual(Array(40).fill('locked'));
    expect(refund(pool, policy.accountLockAfter).failures).toBe(9);
  });

  it("never draws a known browser's attempt on the pool", () => {
    const result = admit(emptyCounter(), emptyCounter(), at(0), policy, null);
    expect(result).toMatchObject({ admitted: true, pool: null });
  });
});
