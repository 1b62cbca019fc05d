import { z } from 'zod';
import { PASSWORD_MAX_LENGTH_CEILING } from '../passwords/password-policy';

/**
 * The shape of a password in a request: a string, refused early when oversized. Its rules (length,
 * special characters, username, common passwords) live in passwords/password-policy.ts, applied by
 * the service with the tenant's policy. The cap is in UTF-16 units, so twice the code-point ceiling.
 */
export const passwordSchema = z
  .string()
  .min(1, 'is required')
  .max(2 * PASSWORD_MAX_LENGTH_CEILING, 'is too long');

export const emailSchema = z.email().max(254);
export const displayNameSchema = z.string().trim().min(1).max(200);
