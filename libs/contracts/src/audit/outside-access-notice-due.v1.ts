import { z } from 'zod';
import { defineEvent } from '../define-event';

export const auditOutsideAccessNoticeDueV1 = defineEvent({
  topic: 'audit.outside-access-notice.due.v1',
  description:
    'Tell the person by e-mail that someone from outside their care team (platform staff under a grant, a ' +
    'linked colleague, someone holding a report share link) viewed their record. Audit applies the rule ' +
    '(at most one a day per person); identity, which owns e-mail addresses, sends the mail, which names ' +
    'nobody and says nothing of what was viewed. Envelope subjectId = recipientId.',
  payload: z.object({
    recipientId: z.uuid(),
  }),
  // A notice is only worth sending soon after the access: one that waited a day is dropped.
  topicConfig: { retentionMs: 24 * 60 * 60 * 1000 },
});
export type AuditOutsideAccessNoticeDueV1 = z.infer<typeof auditOutsideAccessNoticeDueV1.payload>;
