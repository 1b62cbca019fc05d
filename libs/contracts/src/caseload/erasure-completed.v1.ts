import { z } from 'zod';
import { defineEvent } from '../define-event';

export const caseloadErasureCompletedV1 = defineEvent({
  topic: 'caseload.erasure.completed.v1',
  description:
    "Caseload's part of an erasure is done: the subject's assignments, links and profile are deleted " +
    'and their revocations published. Also sent when caseload held nothing about the subject.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
  }),
});
export type CaseloadErasureCompletedV1 = z.infer<typeof caseloadErasureCompletedV1.payload>;
