import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';

export const requestPasswordResetSchema = z
  .object({ organisation: tenantSlugSchema, email: z.string().min(1).max(254) })
  .strict();
export type RequestPasswordResetDto = z.infer<typeof requestPasswordResetSchema>;
