import { z } from 'zod';
import { defineEvent } from '../define-event';
import { caseloadGrantKindSchema } from './assignment-granted.v1';

export const caseloadRevocationReasons = [
  /** Taken off the caseload, or a colleague link ended early, by a professional or org admin. */
  'removed',
  /** The client moved to another professional (a new grant follows). */
  'moved',
  /** The client or the professional was erased. */
  'erased',
] as const;

export const caseloadAssignmentRevokedV1 = defineEvent({
  topic: 'caseload.assignment.revoked.v1',
  description:
    'A grant (caseload.assignment.granted.v1 with this grantId) ended before its validUntil: the ' +
    'professional may no longer work with the client (envelope subjectId = clientId).',
  payload: z.object({
    grantId: z.uuid(),
    kind: caseloadGrantKindSchema,
    professionalId: z.uuid(),
    clientId: z.uuid(),
    reason: z.enum(caseloadRevocationReasons),
  }),
});
export type CaseloadAssignmentRevokedV1 = z.infer<typeof caseloadAssignmentRevokedV1.payload>;
