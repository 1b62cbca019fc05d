import { z } from 'zod';
import { defineEvent } from '../define-event';

export const contentQuestionnaireScoredV2 = defineEvent({
  topic: 'content.questionnaire.scored.v2',
  description:
    'A client answered a questionnaire and content scored it (envelope subjectId = clientId). The score ' +
    "(total, subscales, band and flag codes) travels sealed with the client's data key " +
    '(libs/data-protection, associated data `<clientId>|event:content.questionnaire.scored:<responseId>`), ' +
    'so erasing the key leaves the copies on Kafka unreadable. Never the answers. Replaces v1, which ' +
    'carried the score in clear.',
  payload: z.object({
    responseId: z.uuid(),
    assignmentId: z.uuid(),
    toolId: z.uuid(),
    revisionId: z.uuid(),
    clientId: z.uuid(),
    /** JSON `{ total, subscales, band, flags }` sealed (AES-256-GCM) with the client's key, base64. */
    sealedScore: z.base64().max(8192),
  }),
});
export type ContentQuestionnaireScoredV2 = z.infer<typeof contentQuestionnaireScoredV2.payload>;
