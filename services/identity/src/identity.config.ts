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
  /** Login throttling (see sessions/login-throttle.policy.ts): failures are forgotten after this long without one. */
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** From this many failures per (account, address), each further attempt waits: base, then doubling. */
  LOGIN_THROTTLE_DELAY_AFTER: z.coerce.number().int().positive().default(5),
  LOGIN_THROTTLE_DELAY_BASE_SECONDS: z.coerce.number().int().positive().default(1),
  /** This many failures per (account, address) lock that pair (only that pair) for a window. */
  LOGIN_THROTTLE_LOCK_AFTER: z.coerce.number().int().positive().default(10),
  /** This many failures from one address, across accounts, lock that address for a window. */
  LOGIN_THROTTLE_ADDRESS_LOCK_AFTER: z.coerce.number().int().positive().default(50),
};
export type IdentityConfig = z.infer<z.ZodObject<typeof identityConfigShape>>;
