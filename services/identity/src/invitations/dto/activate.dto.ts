import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';
import { passwordSchema } from '../../common/password.dto';

/** The token from the invitation link and the new password (its rules: the tenant's policy, in the service). */
export const activateSchema = z
  .object({
    token: z.string().min(1).max(200),
    password: passwordSchema,
    /** The organisation the link names (the gateway routes by it); a link from before names none. */
    organisation: tenantSlugSchema.optional(),
  })
  .strict();
export type ActivateDto = z.infer<typeof activateSchema>;
