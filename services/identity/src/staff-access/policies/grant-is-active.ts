import type { StaffAccessGrant } from '../staff-access-grant.entity';

/** A grant gives access only while approved (not denied or revoked) and inside its validity window. */
export function grantIsActive(
  grant: Pick<StaffAccessGrant, 'status' | 'validFrom' | 'validUntil'>,
  now: Date,
): boolean {
  return (
    grant.status === 'approved' &&
    grant.validFrom !== null &&
    grant.validUntil !== null &&
    grant.validFrom.getTime() <= now.getTime() &&
    now.getTime() < grant.validUntil.getTime()
  );
}
