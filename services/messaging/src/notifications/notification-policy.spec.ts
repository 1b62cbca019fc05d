import { decideNotification, type RecipientState } from './notification-policy';

const now = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const rules = { intervalSeconds: 900, readingSeconds: 120 };
const idle: RecipientState = {
  emailEnabled: true,
  active: true,
  streamOpen: false,
  lastSeenAt: null,
  lastNotifiedAt: null,
};

describe('notification e-mail rules', () => {
  it('notifies an idle recipient who never was', () => {
    expect(decideNotification(idle, rules, now)).toEqual({ notify: true });
  });

  it('not when they turned notices off', () => {
    expect(decideNotification({ ...idle, emailEnabled: false }, rules, now)).toEqual({
      notify: false,
      reason: 'opted_out',
    });
  });

  it('not to a deactivated account', () => {
    expect(decideNotification({ ...idle, active: false }, rules, now)).toMatchObject({ reason: 'inactive' });
  });

  it('not while they are reading: a live tab, or the conversation opened moments ago', () => {
    expect(decideNotification({ ...idle, streamOpen: true }, rules, now)).toMatchObject({
      reason: 'reading',
    });
    expect(decideNotification({ ...idle, lastSeenAt: ago(119) }, rules, now)).toMatchObject({
      reason: 'reading',
    });
    expect(decideNotification({ ...idle, lastSeenAt: ago(121) }, rules, now)).toEqual({ notify: true });
  });

  it('at most once per conversation per interval', () => {
    expect(decideNotification({ ...idle, lastNotifiedAt: ago(899) }, rules, now)).toMatchObject({
      reason: 'throttled',
    });
    expect(decideNotification({ ...idle, lastNotifiedAt: ago(900) }, rules, now)).toEqual({ notify: true });
  });

  it('an interval of zero never throttles', () => {
    expect(
      decideNotification({ ...idle, lastNotifiedAt: now }, { ...rules, intervalSeconds: 0 }, now),
    ).toEqual({
      notify: true,
    });
  });
});
