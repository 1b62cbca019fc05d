import { z } from 'zod';
import { defineEvent } from '../define-event';

export const retentionErasureCancelledV1 = defineEvent({
  topic: 'retention.erasure.cancelled.v1',
  description:
    'A scheduled erasure of the subject (envelope subjectId) was cancelled during its grace period: the ' +
    'account that retention.erasure.scheduled.v1 deactivated is active again (identity).',
  payload: z.object({
    requestId: z.uuid(),
    /** The org admin who cancelled it. */
    cancelledBy: z.uuid(),
  }),
});
export type RetentionErasureCancelledV1 = z.infer<typeof retentionErasureCancelledV1.payload>;
