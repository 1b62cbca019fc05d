import { z } from 'zod';
import { defineEvent } from '../define-event';
import { userRoleSchema } from './user-registered.v1';

export const identityUserSignedInV1 = defineEvent({
  topic: 'identity.user.signed-in.v1',
  description:
    'A user completed a login (password with any second factor, or single sign-on) and has a new ' +
    "session: a fact others use as the user's activity (e.g. caseload's last activity). Ids only.",
  payload: z.object({
    userId: z.uuid(),
    role: userRoleSchema,
    method: z.enum(['password', 'sso']),
  }),
});
export type IdentityUserSignedInV1 = z.infer<typeof identityUserSignedInV1.payload>;
