import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';

export const ssoStartSchema = z.object({ organisation: tenantSlugSchema }).strict();
export type SsoStartDto = z.infer<typeof ssoStartSchema>;

/** Whether the organisation offers single sign-on (an unknown organisation: no). */
export const ssoAvailabilitySchema = z.object({ available: z.boolean() });
export type SsoAvailability = z.infer<typeof ssoAvailabilitySchema>;

/** What the gateway passes on from the provider's redirect (and the browser binding cookie). */
export const ssoCallbackSchema = z
  .object({
    state: z.string().min(1).max(512),
    code: z.string().min(1).max(4096).optional(),
    error: z.string().min(1).max(256).optional(),
    /** RFC 9207: the issuer that sent the browser back. */
    iss: z.string().min(1).max(500).optional(),
    binding: z.string().min(1).max(200).optional(),
  })
  .strict();
export type SsoCallbackDto = z.infer<typeof ssoCallbackSchema>;

export interface SsoStartAnswer {
  authorizationUrl: string;
  /** The gateway puts it in a short-lived cookie; the callback must bring it back. */
  binding: string;
  expiresAt: string;
}
