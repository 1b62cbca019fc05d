import { z } from 'zod';
import { passwordSchema } from '../../common/password.dto';

/** The token from the invitation link and the new password (its rules: the tenant's policy, in the service). */
export const activateSchema = z
  .object({ token: z.string().min(1).max(200), password: passwordSchema })
  .strict();
export type ActivateDto = z.infer<typeof activateSchema>;
