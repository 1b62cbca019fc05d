import { z } from 'zod';
import { defineEvent } from '../define-event';
import { erasureCountsSchema } from '../retention/erasure-counts';

export const contentErasureCompletedV1 = defineEvent({
  topic: 'content.erasure.completed.v1',
  description:
    "Content's part of an erasure is done: the subject's rows and data key are deleted (their texts are " +
    'unreadable everywhere, backups included). Also sent when content held nothing about the subject.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** What was deleted, by kind (optional: confirmations of earlier releases carry none). */
    counts: erasureCountsSchema.optional(),
  }),
});
export type ContentErasureCompletedV1 = z.infer<typeof contentErasureCompletedV1.payload>;
