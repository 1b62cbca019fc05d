import { z } from 'zod';

/** The platform's default password policy (per-tenant policies and the common-password list come with the identity issue). */
export const passwordSchema = z
  .string()
  .min(12, 'must be at least 12 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/[^A-Za-z0-9]/, 'must contain a special character');

export const emailSchema = z.email().max(254);
export const displayNameSchema = z.string().trim().min(1).max(200);
