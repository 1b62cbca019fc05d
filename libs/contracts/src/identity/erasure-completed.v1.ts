import { z } from 'zod';
import { defineEvent } from '../define-event';
import { erasureCountsSchema } from '../retention/erasure-counts';

export const identityErasureCompletedV1 = defineEvent({
  topic: 'identity.erasure.completed.v1',
  description:
    "Identity's part of an erasure is done: every row it held about the subject (envelope subjectId) " +
    'is deleted. Also sent when identity held nothing about the subject, so the saga can complete.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** What was deleted, by kind (optional: confirmations of earlier releases carry none). */
    counts: erasureCountsSchema.optional(),
  }),
});
export type IdentityErasureCompletedV1 = z.infer<typeof identityErasureCompletedV1.payload>;
