import type { Region } from '@therapy-room/contracts';

export type Country = 'NL' | 'GB';

export interface RetentionPolicy {
  country: Country;
  /** Health records are kept this many years after the end of treatment. */
  yearsAfterTreatment: number;
  /** Whether a client's own erasure request may erase records before that period ends. */
  erasureBeforeExpiry: 'allowed' | 'refused';
  /** Days between an approved erasure and its run (delete-pending); 14–90. */
  graceDays: number;
  /** Accounts idle this many days are deactivated; null: never (the default). */
  idleDays: number | null;
}

/**
 * Defaults by country (sources in docs/retention.md):
 * - NL: WGBO, art. 7:454 lid 3 BW — 20 years from the end of treatment; art. 7:455 BW lets the client
 *   have records destroyed on request, so an erasure request is not refused by default.
 * - GB: NHS England Records Management Code of Practice 2023, retention schedule — adult health records
 *   8 years after the conclusion of treatment; the right to erasure does not apply where processing is
 *   needed for health care (UK GDPR art. 17(3)(c)), so an early erasure is refused by default.
 */
export const countryDefaults: Record<Country, Omit<RetentionPolicy, 'graceDays' | 'idleDays'>> = {
  NL: { country: 'NL', yearsAfterTreatment: 20, erasureBeforeExpiry: 'allowed' },
  GB: { country: 'GB', yearsAfterTreatment: 8, erasureBeforeExpiry: 'refused' },
};

/** The country an organisation of a region starts with (an org admin may change it). */
export const defaultCountryOf = (region: Region): Country => (region === 'uk' ? 'GB' : 'NL');

export const defaultPolicy = (country: Country): RetentionPolicy => ({
  ...countryDefaults[country],
  graceDays: 30,
  idleDays: null,
});

/**
 * The end of treatment: the later of the end of the client's last caseload assignment and their last
 * activity; `now` while an assignment is still open. Null when retention knows of no treatment at all.
 */
export function endOfTreatment(
  activity: { openAssignments: number; lastAssignmentEnd: Date | null; lastActivityAt: Date | null } | null,
  now: Date,
): Date | null {
  if (!activity) return null;
  if (activity.openAssignments > 0) return now;
  const times = [activity.lastAssignmentEnd, activity.lastActivityAt].filter((d): d is Date => d !== null);
  if (times.length === 0) return null;
  return new Date(Math.max(...times.map((d) => d.getTime())));
}

/**
 * The day the records may be erased: end of treatment plus the policy's years (UTC calendar). Dutch law
 * counts from the end of the year of the last change (art. 7:454 lid 3 BW), so for NL the count starts
 * on 1 January after the end of treatment; never earlier than the statute.
 */
export function expiryDate(end: Date, years: number, country: Country = 'GB'): Date {
  const d = country === 'NL' ? new Date(Date.UTC(end.getUTCFullYear() + 1, 0, 1)) : new Date(end.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}
