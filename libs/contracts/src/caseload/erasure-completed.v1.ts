import { z } from 'zod';
import { defineEvent } from '../define-event';
import { erasureCountsSchema } from '../retention/erasure-counts';

export const caseloadErasureCompletedV1 = defineEvent({
  topic: 'caseload.erasure.completed.v1',
  description:
    "Caseload's part of an erasure is done: the subject's assignments, links and profile are deleted " +
    'and their revocations published. Also sent when caseload held nothing about the subject.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** What was deleted, by kind (optional: confirmations of earlier releases carry none). */
    counts: erasureCountsSchema.optional(),
  }),
});
export type CaseloadErasureCompletedV1 = z.infer<typeof caseloadErasureCompletedV1.payload>;
