import { z } from 'zod';
import { defineEvent } from '../define-event';

export const messagingNotificationDueV1 = defineEvent({
  topic: 'messaging.notification.due.v1',
  description:
    'Tell the recipient by e-mail that a new message waits in their therapy room. Messaging has applied its ' +
    'rules (their preference, at most one per conversation per interval, not while they are reading); ' +
    'identity, which owns e-mail addresses, sends the mail, which never holds the content or the sender. ' +
    'Envelope subjectId = recipientId.',
  payload: z.object({
    recipientId: z.uuid(),
    conversationId: z.uuid(),
  }),
  // A notice is only worth sending soon after the message: one that waited a day is dropped.
  topicConfig: { retentionMs: 24 * 60 * 60 * 1000 },
});
export type MessagingNotificationDueV1 = z.infer<typeof messagingNotificationDueV1.payload>;
