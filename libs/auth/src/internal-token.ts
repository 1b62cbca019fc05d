import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { regionSchema, userRoleSchema } from '@therapy-room/contracts';

export const INTERNAL_TOKEN_ISSUER = 'therapy-room-gateway';
export const INTERNAL_TOKEN_ALGORITHM = 'ES256';
const ALGORITHM = INTERNAL_TOKEN_ALGORITHM;

/**
 * The services behind the gateway. An internal token names the ONE service it is minted for (`aud`),
 * and each service accepts only tokens for its own SERVICE_NAME: a token for content is refused by
 * messaging, so a token seen by one service is worth nothing at another.
 */
export const internalAudiences = [
  'identity',
  'caseload',
  'content',
  'messaging',
  'audit',
  'retention',
] as const;
export type InternalAudience = (typeof internalAudiences)[number];

/** Who is acting: what the gateway vouches for after authenticating the session. */
export const actorSchema = z.object({
  userId: z.uuid(),
  tenantId: z.uuid(),
  roles: z.array(userRoleSchema).min(1),
  region: regionSchema,
  sessionId: z.string().min(1),
  /** Platform staff acting in this (another) organisation under this approved access grant. */
  grantId: z.uuid().optional(),
  /**
   * The org admin who approved that grant: the person responsible for what the staff member does
   * under it (NEN 7513's responsible user), recorded with every audit entry of the staff member's.
   * Only with `grantId`.
   */
  grantResponsible: z.uuid().optional(),
  /**
   * When the session was opened, i.e. when the user last proved their password (and second factor
   * where they have one): a step that needs a fresh authentication (a client's own export) asks the
   * user to sign in again and checks this.
   */
  authenticatedAt: z.iso.datetime().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

const claimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  roles: z.array(userRoleSchema).min(1),
  region: regionSchema,
  sid: z.string().min(1),
  gid: z.uuid().optional(),
  /** The approver of the grant `gid` (Actor.grantResponsible); never without `gid`. */
  grsp: z.uuid().optional(),
  /** OIDC's auth_time: seconds since the epoch when the session was opened. */
  auth_time: z.int().positive().optional(),
  /** One audience, never a list: a token valid at two services would defeat the point. */
  aud: z.string(),
});

export interface SigningKey {
  kid: string;
  /** The PEM, or the key parsed once from it (parsing a PEM costs more than an ES256 signature). */
  privateKeyPem: string | KeyObject;
}
/** Public keys by kid. During a rotation it holds both the old and the new key. */
export type PublicKeySet = Record<string, string>;

export class InternalTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InternalTokenError';
  }
}

export function signInternalToken(
  actor: Actor,
  key: SigningKey,
  audience: InternalAudience,
  ttlSeconds = 60,
): string {
  return jwt.sign(
    {
      tid: actor.tenantId,
      roles: actor.roles,
      region: actor.region,
      sid: actor.sessionId,
      ...(actor.grantId ? { gid: actor.grantId } : {}),
      ...(actor.grantId && actor.grantResponsible ? { grsp: actor.grantResponsible } : {}),
      ...(actor.authenticatedAt ? { auth_time: Math.floor(Date.parse(actor.authenticatedAt) / 1000) } : {}),
    },
    key.privateKeyPem,
    {
      algorithm: ALGORITHM,
      keyid: key.kid,
      subject: actor.userId,
      issuer: INTERNAL_TOKEN_ISSUER,
      audience,
      expiresIn: ttlSeconds,
      jwtid: randomUUID(),
    },
  );
}

/** Looks up the verification key for a token's kid; unknown kids are refused. */
/** Parsed public keys by PEM: parsing a PEM costs more than verifying a token, so it happens once. */
const parsedKeys = new Map<string, KeyObject>();

export function keyForToken(token: string, keys: PublicKeySet): KeyObject {
  const decoded = jwt.decode(token, { complete: true });
  const kid = decoded && typeof decoded === 'object' ? decoded.header.kid : undefined;
  if (!kid || !Object.hasOwn(keys, kid)) throw new InternalTokenError('unknown signing key');
  const pem = keys[kid];
  let key = parsedKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

/** Turns verified claims into an Actor, refusing tokens minted for another region. */
export function actorFromClaims(payload: unknown, region: string): Actor {
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new InternalTokenError('malformed claims');
  if (claims.data.region !== region) throw new InternalTokenError('token of another region');
  // Someone responsible for a grant the token does not name is a token no gateway mints.
  if (claims.data.grsp && !claims.data.gid) throw new InternalTokenError('malformed claims');
  return {
    userId: claims.data.sub,
    tenantId: claims.data.tid,
    roles: claims.data.roles,
    region: claims.data.region,
    sessionId: claims.data.sid,
    ...(claims.data.gid ? { grantId: claims.data.gid } : {}),
    ...(claims.data.grsp ? { grantResponsible: claims.data.grsp } : {}),
    ...(claims.data.auth_time
      ? { authenticatedAt: new Date(claims.data.auth_time * 1000).toISOString() }
      : {}),
  };
}

/** `audience` is the verifying service's own SERVICE_NAME. */
export function verifyInternalToken(
  token: string,
  keys: PublicKeySet,
  expected: { region: string; audience: string },
): Actor {
  const { region, audience } = expected;
  try {
    const payload = jwt.verify(token, keyForToken(token, keys), {
      algorithms: [ALGORITHM],
      issuer: INTERNAL_TOKEN_ISSUER,
      audience,
    });
    return actorFromClaims(payload, region);
  } catch (err) {
    if (err instanceof InternalTokenError) throw err;
    throw new InternalTokenError((err as Error).message);
  }
}

/** A fresh P-256 key pair (local stacks and tests; clusters load keys from secrets). */
export function generateSigningKey(
  kid: string = randomUUID(),
): SigningKey & { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
