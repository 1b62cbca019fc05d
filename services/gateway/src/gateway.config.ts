import { z } from 'zod';
import { baseConfigShape, secret } from '@therapy-room/platform';

export const gatewayConfigShape = {
  ...baseConfigShape,
  INTERNAL_TOKEN_PRIVATE_KEY: secret(
    z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }),
  ),
  INTERNAL_TOKEN_KID: z.string().min(1),
  INTERNAL_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(300).default(60),
  IDENTITY_URL: z.url(),
  CASELOAD_URL: z.url(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
};
export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

/** `__Host-`: Secure, Path=/, no Domain — the browser will not let a subdomain set or shadow it. */
export const SESSION_COOKIE = '__Host-tr_session';
