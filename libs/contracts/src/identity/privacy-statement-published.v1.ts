import { z } from 'zod';
import { defineEvent } from '../define-event';

export const identityPrivacyStatementPublishedV1 = defineEvent({
  topic: 'identity.privacy-statement.published.v1',
  description:
    'An organisation published a new version of its privacy statement (envelope tenantId): every user ' +
    'must acknowledge it again, so gateways drop the cached sessions of that tenant at once.',
  payload: z.object({
    version: z.number().int().positive(),
  }),
});
export type IdentityPrivacyStatementPublishedV1 = z.infer<typeof identityPrivacyStatementPublishedV1.payload>;
