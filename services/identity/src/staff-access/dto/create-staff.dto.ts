import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';
import { displayNameSchema, emailSchema, passwordSchema } from '../../common/password.dto';

/** The CLI's create-staff input (the password comes from STAFF_PASSWORD). */
export const createStaffSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    tenantSlug: tenantSlugSchema.optional(),
    password: passwordSchema,
  })
  .strict();
export type CreateStaffDto = z.infer<typeof createStaffSchema>;
