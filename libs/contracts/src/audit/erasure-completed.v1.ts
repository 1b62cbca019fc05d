import { z } from 'zod';
import { defineEvent } from '../define-event';
import { erasureCountsSchema } from '../retention/erasure-counts';

export const auditErasureCompletedV1 = defineEvent({
  topic: 'audit.erasure.completed.v1',
  description:
    "Audit's part of an erasure is done: the mapping from the subject's pseudonym to their id is deleted, " +
    'so the log keeps its records and its hash chain but no longer names the person. Also sent when the ' +
    'log never named the subject.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** What was deleted, by kind (optional: confirmations of earlier releases carry none). */
    counts: erasureCountsSchema.optional(),
  }),
});
export type AuditErasureCompletedV1 = z.infer<typeof auditErasureCompletedV1.payload>;
