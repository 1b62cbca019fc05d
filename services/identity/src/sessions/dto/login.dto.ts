import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';

export const loginSchema = z
  .object({
    organisation: tenantSlugSchema,
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type LoginDto = z.infer<typeof loginSchema>;

export const resolveSessionSchema = z.object({ token: z.string().min(20).max(200) }).strict();

/** Why the gateway ends a session: the user signed out, or signed in again in the same browser (`replaced`). */
export const logoutSchema = z
  .object({ reason: z.enum(['replaced']).optional() })
  .strict()
  .optional();
export type LogoutDto = z.infer<typeof logoutSchema>;
