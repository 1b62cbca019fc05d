import { grantIsActive } from './grant-is-active';

describe('grantIsActive', () => {
  const from = new Date('2026-01-01T10:00:00Z');
  const until = new Date('2026-01-01T11:00:00Z');
  const approved = { status: 'approved' as const, validFrom: from, validUntil: until };

  it.each([
    ['at its start', approved, from, true],
    ['inside its window', approved, new Date('2026-01-01T10:30:00Z'), true],
    ['at its end (exclusive)', approved, until, false],
    ['before its start', approved, new Date('2026-01-01T09:59:59Z'), false],
    ['requested, not approved', { ...approved, status: 'requested' as const }, from, false],
    ['denied', { ...approved, status: 'denied' as const }, from, false],
    ['revoked', { ...approved, status: 'revoked' as const }, from, false],
    ['approved without a window', { ...approved, validFrom: null, validUntil: null }, from, false],
  ])('%s → %s', (_name, grant, now, expected) => {
    expect(grantIsActive(grant, now)).toBe(expected);
  });
});
