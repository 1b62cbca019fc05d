import {
  constants,
  createHash,
  createPublicKey,
  timingSafeEqual,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/**
 * ID token verification (OpenID Connect Core 1.0, 3.1.3.7) with node:crypto: a compact JWS whose
 * signature is checked against the issuer's published keys (JWKS), then its claims. Asymmetric
 * algorithms only: never `none`, never a MAC (a client secret as a verification key invites
 * algorithm confusion). Pure functions, no I/O: the caller fetches the key set.
 */

export type IdTokenFailure = 'id_token_invalid' | 'nonce_mismatch';

/** Why an ID token was refused; `reason` is an audit code, `message` stays in the code (never shown). */
export class IdTokenError extends Error {
  constructor(
    readonly reason: IdTokenFailure,
    message: string,
  ) {
    super(message);
    this.name = 'IdTokenError';
  }
}

export interface Jwk {
  kty?: unknown;
  kid?: unknown;
  alg?: unknown;
  use?: unknown;
  crv?: unknown;
  [key: string]: unknown;
}

export interface DecodedJws {
  header: { alg: string; kid?: string; [key: string]: unknown };
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

interface Algorithm {
  kty: 'RSA' | 'EC' | 'OKP';
  hash: string | null;
  /** EC: the curve (JWK name and Node's name); OKP: the JWK curve. */
  crv?: string;
  nodeCurve?: string;
  pss?: boolean;
}

const ALGORITHMS: Record<string, Algorithm> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256', nodeCurve: 'prime256v1' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384', nodeCurve: 'secp384r1' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521', nodeCurve: 'secp521r1' },
  EdDSA: { kty: 'OKP', hash: null, crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', hash: null, crv: 'Ed25519' },
};
export const SUPPORTED_ID_TOKEN_ALGORITHMS = Object.keys(ALGORITHMS);

const MAX_TOKEN_LENGTH = 16_384;
const invalid = (message: string) => new IdTokenError('id_token_invalid', message);

const base64url = /^[A-Za-z0-9_-]*$/;
function decodeSegment(segment: string, what: string): Buffer {
  if (!base64url.test(segment)) throw invalid(`${what} is not base64url`);
  return Buffer.from(segment, 'base64url');
}
function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Splits a compact JWS; refuses anything that is not a signed JWT we could verify. */
export function decodeJws(token: string): DecodedJws {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid('token too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('not a compact JWS (an encrypted or unsigned token?)');
  const header = parseJsonObject(decodeSegment(parts[0], 'header'), 'header');
  const claims = parseJsonObject(decodeSegment(parts[1], 'payload'), 'payload');
  const signature = decodeSegment(parts[2], 'signature');
  if (typeof header.alg !== 'string' || !(header.alg in ALGORITHMS)) {
    throw invalid(`algorithm ${String(header.alg)} is not accepted`);
  }
  if (header.kid !== undefined && typeof header.kid !== 'string') throw invalid('kid is not a string');
  // Extensions we do not understand must not be ignored (RFC 7515, 4.1.11).
  if (header.crit !== undefined) throw invalid('critical header parameters are not supported');
  if (header.b64 !== undefined) throw invalid('unencoded payloads are not supported');
  return {
    header: header as DecodedJws['header'],
    claims,
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
    signature,
  };
}

/** The keys of the set that could have made this signature: right type and curve, matching kid and alg. */
export function candidateKeys(jws: DecodedJws, keys: readonly Jwk[]): Jwk[] {
  const algorithm = ALGORITHMS[jws.header.alg];
  return keys.filter(
    (key) =>
      key.kty === algorithm.kty &&
      (algorithm.crv === undefined || key.crv === algorithm.crv) &&
      (key.use === undefined || key.use === 'sig') &&
      (key.alg === undefined || key.alg === jws.header.alg) &&
      (jws.header.kid === undefined || key.kid === jws.header.kid),
  );
}

function importKey(jwk: Jwk): KeyObject | null {
  // Only the public members: a JWKS must not carry private ones, and we never want them.
  const { kty, crv, n, e, x, y } = jwk;
  try {
    return createPublicKey({
      key: Object.fromEntries(
        Object.entries({ kty, crv, n, e, x, y }).filter(([, v]) => v !== undefined),
      ) as JsonWebKey,
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

function verifyWith(jws: DecodedJws, key: KeyObject): boolean {
  const algorithm = ALGORITHMS[jws.header.alg];
  const details = key.asymmetricKeyDetails ?? {};
  switch (algorithm.kty) {
    case 'RSA':
      if (key.asymmetricKeyType !== 'rsa' || (details.modulusLength ?? 0) < 2048) return false;
      return algorithm.pss
        ? verify(
            algorithm.hash,
            jws.signingInput,
            {
              key,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: Number(algorithm.hash!.slice(3)) / 8,
            },
            jws.signature,
          )
        : verify(algorithm.hash, jws.signingInput, key, jws.signature);
    case 'EC':
      if (key.asymmetricKeyType !== 'ec' || details.namedCurve !== algorithm.nodeCurve) return false;
      return verify(algorithm.hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    case 'OKP':
      if (key.asymmetricKeyType !== 'ed25519') return false;
      return verify(null, jws.signingInput, key, jws.signature);
  }
}

/**
 * True when one of the candidate keys verifies the signature. `found` false means no key of the set
 * fits (the caller may fetch the set again: the provider may have rotated its keys).
 */
export function verifyJwsSignature(
  jws: DecodedJws,
  keys: readonly Jwk[],
): { found: boolean; valid: boolean } {
  const candidates = candidateKeys(jws, keys);
  for (const jwk of candidates) {
    const key = importKey(jwk);
    if (key && verifyWith(jws, key)) return { found: true, valid: true };
  }
  return { found: candidates.length > 0, valid: false };
}

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /** SHA-256 of the nonce sent with the authorization request. */
  nonceHash: Buffer;
  now: Date;
  /** Tolerated clock difference with the provider. */
  clockSkewSeconds?: number;
  /** Tokens issued longer ago than this are refused (they belong to another, older attempt). */
  maxAgeSeconds?: number;
}

export interface IdTokenClaims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  [claim: string]: unknown;
}

const numericDate = (
  claims: Record<string, unknown>,
  name: string,
  required: boolean,
): number | undefined => {
  const value = claims[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(`${name} is missing or not a number`);
  return value;
};

/** The claim checks of OIDC Core 3.1.3.7 (after the signature): issuer, audience, times, nonce. */
export function validateIdTokenClaims(
  claims: Record<string, unknown>,
  expected: IdTokenExpectations,
): IdTokenClaims {
  const skew = expected.clockSkewSeconds ?? 60;
  const now = Math.floor(expected.now.getTime() / 1000);
  if (claims.iss !== expected.issuer) throw invalid('iss does not match the issuer');
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.clientId)) throw invalid('aud does not contain the client id');
  if (audiences.length > 1 && claims.azp === undefined) throw invalid('several audiences and no azp');
  if (claims.azp !== undefined && claims.azp !== expected.clientId) throw invalid('azp is not the client id');
  const exp = numericDate(claims, 'exp', true)!;
  const iat = numericDate(claims, 'iat', true)!;
  const nbf = numericDate(claims, 'nbf', false);
  if (exp <= now - skew) throw invalid('expired');
  if (iat > now + skew) throw invalid('issued in the future');
  if (iat < now - (expected.maxAgeSeconds ?? 3600) - skew) throw invalid('issued too long ago');
  if (nbf !== undefined && nbf > now + skew) throw invalid('not valid yet');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) {
    throw invalid('sub is missing');
  }
  const nonce = claims.nonce;
  if (typeof nonce !== 'string') throw new IdTokenError('nonce_mismatch', 'nonce is missing');
  const nonceHash = createHash('sha256').update(nonce).digest();
  if (!timingSafeEqual(nonceHash, expected.nonceHash)) {
    throw new IdTokenError('nonce_mismatch', 'nonce does not match the one sent');
  }
  return claims as IdTokenClaims;
}
