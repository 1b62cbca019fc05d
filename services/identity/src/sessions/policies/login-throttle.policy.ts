import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Login throttling, as pure functions over three counters: one per (account, source address), one
 * per source address across accounts, and one per account across addresses (the account's pool).
 *
 * - A counter forgets its failures after a full window without one (a "quiet" reset, not a fixed
 *   window): so no 15-minute span ever holds more than `lockAfter` evaluated failures for a pair.
 * - From `delayAfter` failures a pair waits `delayBaseMs`, doubling with each further failure; at
 *   `lockAfter` failures it is locked for a window. Only that pair: the same account from another
 *   address is untouched, so an attacker cannot lock the real user out.
 * - An address with `addressLockAfter` failures (any accounts, known or not) is locked for a window.
 * - An account with `accountLockAfter` failures from browsers it does not know, whatever the number of
 *   addresses they come from, is locked for a window for those browsers. A browser that has signed
 *   in to the account before (its device cookie) has a counter of its own instead of the pair and the
 *   pool, so guesses spread over many addresses cannot lock the real user out.
 * - An admitted attempt is counted as a failure *before* the password is checked (a success refunds
 *   it), so concurrent guesses cannot slip past the limit; refused attempts are never evaluated and
 *   never counted (waiting out the lock is the only way on).
 */
export interface LoginThrottlePolicy {
  windowMs: number;
  delayAfter: number;
  delayBaseMs: number;
  lockAfter: number;
  addressLockAfter: number;
  accountLockAfter: number;
}

export interface ThrottleCounter {
  failures: number;
  lastFailureAt: Date | null;
  blockedUntil: Date | null;
}

export type Admission =
  | { admitted: true; account: ThrottleCounter; address: ThrottleCounter; pool: ThrottleCounter | null }
  | { admitted: false; outcome: 'throttled' | 'locked'; retryAfterSeconds: number };

export const emptyCounter = (): ThrottleCounter => ({ failures: 0, lastFailureAt: null, blockedUntil: null });

/** The counter as it stands now: forgotten after a window without failures. */
export function live(counter: ThrottleCounter, now: Date, policy: LoginThrottlePolicy): ThrottleCounter {
  if (!counter.lastFailureAt || now.getTime() - counter.lastFailureAt.getTime() >= policy.windowMs) {
    return emptyCounter();
  }
  return counter;
}

const later = (a: Date | null, b: Date | null): Date | null => (!a ? b : !b ? a : a > b ? a : b);

/**
 * `account` is the (account, address) pair's counter, or a known browser's own counter; `pool` the
 * account's counter across addresses (null for a known browser, which does not draw on it).
 */
export function admit(
  account: ThrottleCounter,
  address: ThrottleCounter,
  now: Date,
  policy: LoginThrottlePolicy,
  pool: ThrottleCounter | null = null,
): Admission {
  const acc = live(account, now, policy);
  const addr = live(address, now, policy);
  const shared = pool && live(pool, now, policy);
  const blockedNow = (c: ThrottleCounter | null) =>
    c?.blockedUntil && c.blockedUntil > now ? c.blockedUntil : null;
  const accountBlocked = blockedNow(acc);
  const addressBlocked = blockedNow(addr);
  const poolBlocked = blockedNow(shared);
  const until = later(later(accountBlocked, addressBlocked), poolBlocked);
  if (until) {
    const locked = addressBlocked !== null || poolBlocked !== null || acc.failures >= policy.lockAfter;
    return {
      admitted: false,
      outcome: locked ? 'locked' : 'throttled',
      retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
    };
  }
  const failures = acc.failures + 1;
  const delayMs = Math.min(policy.windowMs, policy.delayBaseMs * 2 ** (failures - policy.delayAfter));
  const accountBlockedUntil =
    failures >= policy.lockAfter
      ? new Date(now.getTime() + policy.windowMs)
      : failures >= policy.delayAfter
        ? new Date(now.getTime() + delayMs)
        : null;
  return {
    admitted: true,
    account: { failures, lastFailureAt: now, blockedUntil: accountBlockedUntil },
    address: charge(addr, now, policy, policy.addressLockAfter),
    pool: shared && charge(shared, now, policy, policy.accountLockAfter),
  };
}

/** One more failure on a counter that locks (for a window) at `lockAfter`. */
function charge(
  counter: ThrottleCounter,
  now: Date,
  policy: LoginThrottlePolicy,
  lockAfter: number,
): ThrottleCounter {
  const failures = counter.failures + 1;
  return {
    failures,
    lastFailureAt: now,
    blockedUntil: failures >= lockAfter ? new Date(now.getTime() + policy.windowMs) : null,
  };
}

/** A success gives a shared counter back the failures it was charged (by default the admission's one). */
export function refund(counter: ThrottleCounter, lockAfter: number, by = 1): ThrottleCounter {
  const failures = Math.max(0, counter.failures - by);
  return { ...counter, failures, blockedUntil: failures >= lockAfter ? counter.blockedUntil : null };
}

/** A success gives the address back the failure it was charged on admission. */
export function refundAddress(address: ThrottleCounter, policy: LoginThrottlePolicy): ThrottleCounter {
  return refund(address, policy.addressLockAfter);
}

/**
 * The throttling key of an account: the same for an existing and an unknown one (and for an unknown
 * organisation, keyed by its slug), so throttling reveals nothing about existence. A hash, so the
 * counters hold no e-mail address.
 */
export function accountKey(scope: { tenantId: string } | { slug: string }, normalisedEmail: string): Buffer {
  const tenant = 'tenantId' in scope ? `tenant:${scope.tenantId}` : `slug:${scope.slug}`;
  return createHash('sha256').update(`login\0${tenant}\0${normalisedEmail}`).digest();
}

/**
 * The address a counter is kept for: an IPv4 address, or the /64 of an IPv6 address (one subscriber
 * usually holds a whole /64, so per-address counting would be trivial to dodge).
 */
export function throttleAddress(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) stands for two groups.
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const zeros = ip.includes('::') ? 8 - width(left) - width(right) : 0;
  const groups = [...left, ...Array<string>(zeros).fill('0'), ...right];
  const prefix = groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}
