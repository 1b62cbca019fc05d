import { z } from 'zod';
import {
  baseConfigShape,
  databaseConfigShape,
  internalTokenVerifyShape,
  secret,
} from '@therapy-room/platform';

export const retentionConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  /** 32 bytes, base64: the key of the keyed hash (HMAC-SHA256) naming a subject on an erasure certificate. */
  RETENTION_PSEUDONYM_KEY: secret(
    z
      .base64()
      .refine(
        (s) => Buffer.from(s, 'base64').length === 32,
        'must be 32 bytes, base64 (openssl rand -base64 32)',
      ),
  ),
  /** How often the saga driver looks for erasures whose grace ended and participants that stay silent. */
  RETENTION_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** A participant that has not confirmed this long after the request is asked again… */
  RETENTION_CONFIRM_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  /** …at most this many times in all; then the request is marked stuck (error log line and metric). */
  RETENTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** How long an export package may be fetched (once) before it is deleted unread. */
  RETENTION_EXPORT_LINK_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /** A client's own export needs a sign-in (password and second factor) at most this long ago. */
  RETENTION_REAUTH_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** The directory exports are assembled in (the participants write there too). Unset: no exports. */
  EXPORT_ROOT: z.string().min(1).optional(),
};
export type RetentionConfig = z.infer<z.ZodObject<typeof retentionConfigShape>>;
