import { z } from 'zod';
import { defineEvent } from '../define-event';

/** What gives a professional access to a client: an assignment (their caseload) or a colleague link. */
export const caseloadGrantKinds = ['assignment', 'link'] as const;
export const caseloadGrantKindSchema = z.enum(caseloadGrantKinds);
export type CaseloadGrantKind = z.infer<typeof caseloadGrantKindSchema>;

export const caseloadAssignmentGrantedV1 = defineEvent({
  topic: 'caseload.assignment.granted.v1',
  description:
    'A professional may work with a client (envelope subjectId = clientId): an assignment to their ' +
    'caseload, or a colleague link. A grant with validUntil ends by itself at that moment (no further ' +
    'event); one revoked earlier is followed by caseload.assignment.revoked.v1 with the same grantId.',
  payload: z
    .object({
      grantId: z.uuid(),
      kind: caseloadGrantKindSchema,
      professionalId: z.uuid(),
      clientId: z.uuid(),
      /** Null: from the moment of the grant. */
      validFrom: z.iso.datetime({ offset: false }).nullable(),
      /** Null: until revoked. */
      validUntil: z.iso.datetime({ offset: false }).nullable(),
    })
    .refine((p) => !p.validFrom || !p.validUntil || Date.parse(p.validFrom) < Date.parse(p.validUntil), {
      message: 'validUntil must be after validFrom',
      path: ['validUntil'],
    }),
});
export type CaseloadAssignmentGrantedV1 = z.infer<typeof caseloadAssignmentGrantedV1.payload>;
