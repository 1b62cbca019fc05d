import { z } from 'zod';
import { defineEvent } from '../define-event';

export const retentionPolicyChangedV1 = defineEvent({
  topic: 'retention.policy.changed.v1',
  description:
    "An org admin saved the organisation's retention policy (envelope tenantId). Carries only what other " +
    'services act on: `idleDays`, after how many days without a sign-in identity deactivates an account ' +
    '(warning its owner a week before), or null (off). Written on every save; consumers apply it as a state.',
  payload: z.object({
    idleDays: z.int().min(30).max(3650).nullable(),
  }),
});
export type RetentionPolicyChangedV1 = z.infer<typeof retentionPolicyChangedV1.payload>;
