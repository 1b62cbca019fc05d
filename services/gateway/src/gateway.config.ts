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
  CONTENT_URL: z.url(),
  MESSAGING_URL: z.url(),
  AUDIT_URL: z.url(),
  RETENTION_URL: z.url(),
  /**
   * Live streams (GET /api/messaging/stream): this often the gateway checks the session again (a
   * revoked one ends the stream) and writes a comment line so that no proxy closes an idle stream.
   */
  SSE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(120).default(15),
  /**
   * How long a resolved session is served from the gateway's cache. Ended sessions and staff grants
   * leave the cache on identity's events at once; this bounds what an event missed could leave.
   */
  SESSION_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * The built browser app (services/web/dist, or /app/web in an image) served at /; unset: no app,
   * every path outside /api is 404. Read once, at the first request (services/gateway/src/web).
   */
  WEB_ROOT: z.string().optional(),
  /** GET /api/docs serves the public OpenAPI document (development and contract tests only). */
  OPENAPI_DOCS: z.stringbool().default(false),
};
export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

/** `__Host-`: Secure, Path=/, no Domain — the browser will not let a subdomain set or shadow it. */
export const SESSION_COOKIE = '__Host-tr_session';
