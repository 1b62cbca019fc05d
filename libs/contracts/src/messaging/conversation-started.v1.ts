import { z } from 'zod';
import { defineEvent } from '../define-event';

export const messagingConversationStartedV1 = defineEvent({
  topic: 'messaging.conversation.started.v1',
  description:
    'A conversation between a client and one of their professionals exists (envelope subjectId = clientId). ' +
    'Ids only: no names, no text.',
  payload: z.object({
    conversationId: z.uuid(),
    clientId: z.uuid(),
    professionalId: z.uuid(),
    /** Who started it: the client or the professional. */
    startedBy: z.uuid(),
  }),
});
export type MessagingConversationStartedV1 = z.infer<typeof messagingConversationStartedV1.payload>;
