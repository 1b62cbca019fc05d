import { z } from 'zod';
import { defineEvent } from '../define-event';

export const retentionErasureRequestedV1 = defineEvent({
  topic: 'retention.erasure.requested.v1',
  description: 'Erase every row about the subject (envelope subjectId); participants confirm when done.',
  payload: z.object({
    requestId: z.uuid(),
    reason: z.enum(['client_request', 'retention_expired']),
  }),
});
export type RetentionErasureRequestedV1 = z.infer<typeof retentionErasureRequestedV1.payload>;
