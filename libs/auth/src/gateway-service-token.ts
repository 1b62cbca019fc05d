import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import {
  INTERNAL_TOKEN_ALGORITHM,
  INTERNAL_TOKEN_ISSUER,
  InternalTokenError,
  keyForToken,
  type InternalAudience,
  type PublicKeySet,
  type SigningKey,
} from './internal-token';

/** The subject of the gateway's own service tokens (an actor token's subject is always a user id). */
export const GATEWAY_SUBJECT = 'gateway';
/** A gateway service token lives at most this long: it is minted for one call, just before it. */
export const GATEWAY_SERVICE_TOKEN_MAX_SECONDS = 60;

/**
 * What a request is for, as a service token's `purpose`: its method and upstream path. A token is good
 * for that one route only (and, at the guard, once).
 */
export const gatewayCallPurpose = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

const claimsSchema = z
  .object({
    sub: z.literal(GATEWAY_SUBJECT),
    aud: z.string(),
    purpose: z.string().min(1).max(2048),
    jti: z.uuid(),
    iat: z.number().int(),
    exp: z.number().int(),
  })
  .refine((c) => c.exp - c.iat <= GATEWAY_SERVICE_TOKEN_MAX_SECONDS, 'lifetime too long');
export type GatewayServiceClaims = z.infer<typeof claimsSchema>;

/**
 * The gateway's credential on the calls it makes without a user (login, second factor, session
 * resolution, single sign-on, activation, password reset): signed with the gateway's internal-token
 * key, for one service (`aud`) and one route (`purpose`), with its own id (`jti`), for seconds.
 */
export function signGatewayServiceToken(
  key: SigningKey,
  audience: InternalAudience,
  purpose: string,
  ttlSeconds = 30,
): string {
  return jwt.sign({ purpose }, key.privateKeyPem, {
    algorithm: INTERNAL_TOKEN_ALGORITHM,
    keyid: key.kid,
    subject: GATEWAY_SUBJECT,
    issuer: INTERNAL_TOKEN_ISSUER,
    audience,
    expiresIn: Math.min(ttlSeconds, GATEWAY_SERVICE_TOKEN_MAX_SECONDS),
    jwtid: randomUUID(),
  });
}

/** `audience` is the verifying service's own SERVICE_NAME. Throws InternalTokenError on any doubt. */
export function verifyGatewayServiceToken(
  token: string,
  keys: PublicKeySet,
  audience: string,
): GatewayServiceClaims {
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyForToken(token, keys), {
      algorithms: [INTERNAL_TOKEN_ALGORITHM],
      issuer: INTERNAL_TOKEN_ISSUER,
      audience,
      subject: GATEWAY_SUBJECT,
    });
  } catch (err) {
    if (err instanceof InternalTokenError) throw err;
    throw new InternalTokenError((err as Error).message);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new InternalTokenError('malformed claims');
  return claims.data;
}
