import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identityUserReactivatedV1 = defineEvent({
  topic: 'identity.user.reactivated.v1',
  description: 'An org admin reactivated a deactivated account: it can log in again. Ids only.',
  payload: z.object({
    userId: z.uuid(),
    /** The org admin who did it. */
    byUserId: z.uuid(),
  }),
});
export type IdentityUserReactivatedV1 = z.infer<typeof identityUserReactivatedV1.payload>;
