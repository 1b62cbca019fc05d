import { z } from 'zod';
import { defineEvent } from '../define-event';

export const messagingMessageReadV1 = defineEvent({
  topic: 'messaging.message.read.v1',
  description:
    "A participant has read a conversation up to a message (envelope subjectId = clientId): the other side's " +
    'read state. Ids only.',
  payload: z.object({
    conversationId: z.uuid(),
    clientId: z.uuid(),
    professionalId: z.uuid(),
    readerId: z.uuid(),
    /** The newest message the reader has now read (everything before it is read too). */
    upToMessageId: z.uuid(),
  }),
});
export type MessagingMessageReadV1 = z.infer<typeof messagingMessageReadV1.payload>;
