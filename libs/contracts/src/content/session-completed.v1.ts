import { z } from 'zod';
import { defineEvent } from '../define-event';
import { contentKeySchema } from './assignment-created.v1';

export const contentSessionCompletedV1 = defineEvent({
  topic: 'content.session.completed.v1',
  description:
    'A client completed every page of one session of a module (envelope subjectId = clientId). The ' +
    'session key identifies the session in the revision; the answers stay in content.',
  payload: z.object({
    assignmentId: z.uuid(),
    toolId: z.uuid(),
    revisionId: z.uuid(),
    clientId: z.uuid(),
    sessionKey: contentKeySchema,
    /** How many of the assignment's sessions are complete now, of how many. */
    completedSessions: z.number().int().min(1),
    totalSessions: z.number().int().min(1),
  }),
});
export type ContentSessionCompletedV1 = z.infer<typeof contentSessionCompletedV1.payload>;
