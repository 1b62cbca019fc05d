import { z } from 'zod';
import { defineEvent } from '../define-event';

/** Seven days: long enough for any consumer outage, short enough that names do not pile up in Kafka. */
const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

export const identityUserProfileChangedV1 = defineEvent({
  topic: 'identity.user.profile-changed.v1',
  description:
    'The name a user is shown by (set at registration, or changed). Personal data, not health content: ' +
    'caseload needs it so professionals can find their clients by name and clients see who their ' +
    'professionals are. Never an e-mail address. The topic keeps messages for 7 days only, and every ' +
    'consumer deletes its copy when the subject is erased.',
  topicConfig: { retentionMs: SEVEN_DAYS_MS },
  payload: z.object({
    userId: z.uuid(),
    displayName: z.string().trim().min(1).max(200),
  }),
});
export type IdentityUserProfileChangedV1 = z.infer<typeof identityUserProfileChangedV1.payload>;
