import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identityUserDeactivatedV2 = defineEvent({
  topic: 'identity.user.deactivated.v2',
  description:
    'An account was deactivated: it can no longer log in and its sessions are revoked; its data is kept ' +
    '(reversible, see identity.user.reactivated.v1). By an org admin, or because its erasure was scheduled ' +
    '(an approved request, or the statutory expiry sweep, which has no admin), or because nobody signed in to it ' +
    "for the organisation's idle period (identity's idle sweep, no admin). Supersedes v1, which could not say " +
    'the latter two; identity writes v1 beside it for admin deactivations while consumers move. Ids only.',
  payload: z.object({
    userId: z.uuid(),
    /** The org admin who did it; null when no person did (the retention sweep, the idle sweep). */
    byUserId: z.uuid().nullable(),
    /** Consumers accept every reason (a deactivation is a deactivation); `idle` was added later. */
    reason: z.enum(['organisation_admin', 'erasure_scheduled', 'idle']),
  }),
});
export type IdentityUserDeactivatedV2 = z.infer<typeof identityUserDeactivatedV2.payload>;
