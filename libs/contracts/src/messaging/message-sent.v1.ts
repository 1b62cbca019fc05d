import { z } from 'zod';
import { defineEvent } from '../define-event';

export const messagingMessageSentV1 = defineEvent({
  topic: 'messaging.message.sent.v1',
  description:
    'A message was stored in a conversation (envelope subjectId = clientId). Ids only: the body never ' +
    'leaves messaging; whoever may read it fetches it from there, through the gateway.',
  payload: z.object({
    conversationId: z.uuid(),
    messageId: z.uuid(),
    clientId: z.uuid(),
    professionalId: z.uuid(),
    /** The client or the professional of the conversation. */
    senderId: z.uuid(),
  }),
});
export type MessagingMessageSentV1 = z.infer<typeof messagingMessageSentV1.payload>;
