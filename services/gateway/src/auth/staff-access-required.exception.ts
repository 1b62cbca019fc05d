import type { Actor } from '@therapy-room/auth';
import { DomainException } from '@therapy-room/platform';

export const STAFF_ACCESS_REQUIRED = 'STAFF_ACCESS_REQUIRED';

/**
 * Platform staff without an approved, unexpired access grant asked for an organisation's data.
 * Identity resolves a staff session to the grant's organisation (with its `grantId`) only while the
 * grant is active, so an actor with the staff role and no `grantId` has no organisation to act in.
 */
export class StaffAccessRequiredException extends DomainException<typeof STAFF_ACCESS_REQUIRED> {
  constructor() {
    super(STAFF_ACCESS_REQUIRED, 'Platform staff need an approved access grant for this organisation.');
  }
  get status(): number {
    return 403;
  }
}

export const isStaffWithoutGrant = (actor: Actor): boolean =>
  actor.roles.includes('platform_staff') && !actor.grantId;
