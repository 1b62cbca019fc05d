import { z } from 'zod';
import { defineEvent } from '../define-event';

export const contentAssignmentWithdrawnV1 = defineEvent({
  topic: 'content.assignment.withdrawn.v1',
  description:
    'A professional withdrew a tool from a client (envelope subjectId = clientId). The client no longer ' +
    'works on it; their work stays readable for the care team. Ids only.',
  payload: z.object({
    assignmentId: z.uuid(),
    toolId: z.uuid(),
    clientId: z.uuid(),
    professionalId: z.uuid(),
  }),
});
export type ContentAssignmentWithdrawnV1 = z.infer<typeof contentAssignmentWithdrawnV1.payload>;
