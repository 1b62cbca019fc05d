import { z } from 'zod';
import { baseConfigShape, databaseConfigShape, internalTokenVerifyShape } from '@therapy-room/platform';

export const identityConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  SESSION_IDLE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 60 * 60),
};
export type IdentityConfig = z.infer<z.ZodObject<typeof identityConfigShape>>;
