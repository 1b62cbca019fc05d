import { z } from 'zod';
import { defineEvent } from '../define-event';

export const retentionErasureScheduledV1 = defineEvent({
  topic: 'retention.erasure.scheduled.v1',
  description:
    "An approved erasure of the subject (envelope subjectId) entered its grace period: the subject's account " +
    'is deactivated at once (identity) and the erasure runs at `runsAt` unless an org admin cancels it.',
  payload: z.object({
    requestId: z.uuid(),
    runsAt: z.iso.datetime({ offset: false }),
    /** The org admin whose approval scheduled it; null: the retention sweep (the record's period ended). */
    approvedBy: z.uuid().nullable(),
  }),
});
export type RetentionErasureScheduledV1 = z.infer<typeof retentionErasureScheduledV1.payload>;
