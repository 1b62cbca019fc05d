import { z } from 'zod';
import { defineEvent } from '../define-event';
import { erasureCountsSchema } from '../retention/erasure-counts';

export const messagingErasureCompletedV1 = defineEvent({
  topic: 'messaging.erasure.completed.v1',
  description:
    "Messaging's part of an erasure is done: the subject's rows and data key are deleted (their texts are " +
    'unreadable everywhere, backups included). Also sent when messaging held nothing about the subject.',
  payload: z.object({
    /** The requestId of the retention.erasure.requested.v1 this confirms. */
    requestId: z.uuid(),
    /** What was deleted, by kind (optional: confirmations of earlier releases carry none). */
    counts: erasureCountsSchema.optional(),
  }),
});
export type MessagingErasureCompletedV1 = z.infer<typeof messagingErasureCompletedV1.payload>;
