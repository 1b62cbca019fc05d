import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identityStaffGrantEndedV1 = defineEvent({
  topic: 'identity.staff-grant.ended.v1',
  description:
    "A platform staff member's access grant to an organisation ended (its time ran out, or an org " +
    'admin revoked it): gateways drop every cached session acting under it at once, and identity ' +
    'refuses those sessions from now on. Published exactly once per grant. The envelope tenantId is ' +
    'the organisation the grant was for; subjectId the staff member.',
  payload: z.object({
    grantId: z.uuid(),
    staffUserId: z.uuid(),
    reason: z.enum(['expired', 'revoked']),
  }),
});
export type IdentityStaffGrantEndedV1 = z.infer<typeof identityStaffGrantEndedV1.payload>;
