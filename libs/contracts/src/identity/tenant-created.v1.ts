import { z } from 'zod';
import { defineEvent } from '../define-event';
import { regionSchema } from '../envelope';

export const tenantSlugSchema = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens only');

export const identityTenantCreatedV1 = defineEvent({
  topic: 'identity.tenant.created.v1',
  description: 'An organisation (tenant) was created in a region with a licence.',
  payload: z.object({
    tenantId: z.uuid(),
    slug: tenantSlugSchema,
    region: regionSchema,
    professionalSeats: z.int().positive(),
  }),
});
export type IdentityTenantCreatedV1 = z.infer<typeof identityTenantCreatedV1.payload>;
