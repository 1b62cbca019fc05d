import { z } from 'zod';
import { regionSchema, tenantSlugSchema } from '@therapy-room/contracts';
import { displayNameSchema, emailSchema, passwordSchema } from '../../common/password.dto';
import { tenantPasswordPolicySchema } from '../../passwords/password-policy';

export const createTenantSchema = z
  .object({
    slug: tenantSlugSchema,
    name: z.string().trim().min(1).max(200),
    region: regionSchema,
    professionalSeats: z.int().positive().max(100_000).default(5),
    passwordPolicy: tenantPasswordPolicySchema.default({}),
    /** The platform operator's own organisation (home of platform staff accounts). */
    operator: z.boolean().default(false),
    admin: z
      .object({ email: emailSchema, displayName: displayNameSchema, password: passwordSchema })
      .strict(),
  })
  .strict();
export type CreateTenantDto = z.infer<typeof createTenantSchema>;
