import { z } from 'zod';
import { defineEvent } from '../define-event';
import { contentKeySchema } from './assignment-created.v1';

export const contentQuestionnaireScoredV1 = defineEvent({
  topic: 'content.questionnaire.scored.v1',
  description:
    'A client answered a questionnaire and content scored it (envelope subjectId = clientId): the total, ' +
    'subscale scores, the severity band and flags as codes. Never the answers themselves. No longer ' +
    'published: it carried the score in clear; v2 carries it sealed. Kept so that what is still on the ' +
    'topic is consumed, and kept only a week.',
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
  // Clear health values: kept on Kafka no longer than it takes to drain (then only v2 remains).
  topicConfig: { retentionMs: 7 * 24 * 60 * 60 * 1000 },
});
export type ContentQuestionnaireScoredV1 = z.infer<typeof contentQuestionnaireScoredV1.payload>;
