import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identityUserDeactivatedV1 = defineEvent({
  topic: 'identity.user.deactivated.v1',
  description:
    'An org admin deactivated an account: it can no longer log in and its sessions are revoked; its ' +
    'data is kept (reversible, see identity.user.reactivated.v1). Ids only.',
  payload: z.object({
    userId: z.uuid(),
    /** The org admin who did it. */
    byUserId: z.uuid(),
  }),
});
export type IdentityUserDeactivatedV1 = z.infer<typeof identityUserDeactivatedV1.payload>;
