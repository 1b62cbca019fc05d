import { defaultCountryOf, defaultPolicy, endOfTreatment, expiryDate } from './retention-policy';

describe('retention policy', () => {
  const now = new Date('2030-06-01T00:00:00Z');

  it('NL: 20 years (WGBO), erasure on request allowed; GB: 8 years, refused before expiry', () => {
    expect(defaultPolicy(defaultCountryOf('eea'))).toMatchObject({
      country: 'NL',
      yearsAfterTreatment: 20,
      erasureBeforeExpiry: 'allowed',
      graceDays: 30,
      idleDays: null,
    });
    expect(defaultPolicy(defaultCountryOf('uk'))).toMatchObject({
      country: 'GB',
      yearsAfterTreatment: 8,
      erasureBeforeExpiry: 'refused',
    });
  });

  it('end of treatment is the later of the last assignment end and the last activity', () => {
    const a = new Date('2028-01-01T00:00:00Z');
    const b = new Date('2029-03-01T00:00:00Z');
    expect(endOfTreatment({ openAssignments: 0, lastAssignmentEnd: a, lastActivityAt: b }, now)).toEqual(b);
    expect(endOfTreatment({ openAssignments: 0, lastAssignmentEnd: b, lastActivityAt: a }, now)).toEqual(b);
  });

  it('an open assignment means treatment goes on (now); nothing known means no treatment', () => {
    expect(
      endOfTreatment({ openAssignments: 1, lastAssignmentEnd: null, lastActivityAt: null }, now),
    ).toEqual(now);
    expect(endOfTreatment(null, now)).toBeNull();
    expect(
      endOfTreatment({ openAssignments: 0, lastAssignmentEnd: null, lastActivityAt: null }, now),
    ).toBeNull();
  });

  it('NL counts from the end of the year of the last change (art. 7:454 lid 3 BW)', () => {
    expect(expiryDate(new Date('2025-03-01T00:00:00Z'), 20, 'NL').toISOString()).toBe(
      '2046-01-01T00:00:00.000Z',
    );
    expect(expiryDate(new Date('2025-12-31T23:00:00Z'), 20, 'NL').toISOString()).toBe(
      '2046-01-01T00:00:00.000Z',
    );
  });

  it('GB: the same calendar day, years later', () => {
    expect(expiryDate(new Date('2024-02-29T10:00:00Z'), 8).toISOString()).toBe('2032-02-29T10:00:00.000Z');
    expect(expiryDate(new Date('2025-03-01T00:00:00Z'), 20).toISOString()).toBe('2045-03-01T00:00:00.000Z');
  });
});
