import { z } from 'zod';
import { defineEvent } from '../define-event';
import { contentKeySchema } from './assignment-created.v1';

export const contentQuestionnaireScoredV1 = defineEvent({
  topic: 'content.questionnaire.scored.v1',
  description:
    'A client answered a questionnaire and content scored it (envelope subjectId = clientId): the total, ' +
    'subscale scores, the severity band and flags as codes. Never the answers themselves.',
  payload: z.object({
    responseId: z.uuid(),
    assignmentId: z.uuid(),
    toolId: z.uuid(),
    revisionId: z.uuid(),
    clientId: z.uuid(),
    total: z.number(),
    subscales: z.record(contentKeySchema, z.number()),
    /** The severity band's code (e.g. 'moderate'); null when the questionnaire defines none. */
    band: contentKeySchema.nullable(),
    /** Flag codes raised for the professional (e.g. 'self_harm'). */
    flags: z.array(contentKeySchema).max(50),
  }),
});
export type ContentQuestionnaireScoredV1 = z.infer<typeof contentQuestionnaireScoredV1.payload>;
