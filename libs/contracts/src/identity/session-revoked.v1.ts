import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identitySessionRevokedV1 = defineEvent({
  topic: 'identity.session.revoked.v1',
  description: 'A session ended before its time; gateways drop it from their caches at once.',
  payload: z.object({
    sessionId: z.uuid(),
    userId: z.uuid(),
    /** `privilege_changed`: the session was replaced by one with a new id (e.g. staff acting under a grant). */
    reason: z.enum([
      'logout',
      'logout_everywhere',
      'password_changed',
      'deactivated',
      'erased',
      'privilege_changed',
    ]),
  }),
});
export type IdentitySessionRevokedV1 = z.infer<typeof identitySessionRevokedV1.payload>;
