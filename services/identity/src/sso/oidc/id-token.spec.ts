import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  IdTokenError,
  decodeJws,
  validateIdTokenClaims,
  verifyJwsSignature,
  type IdTokenExpectations,
  type Jwk,
} from './id-token';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface TestKey {
  privateKey: KeyObject;
  jwk: Jwk;
}
const keyPair = (type: 'rsa' | 'ec' | 'ed25519', options: object, kid: string): TestKey => {
  const { privateKey, publicKey } = generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid } };
};
const rsa = keyPair('rsa', { modulusLength: 2048 }, 'rsa-1');
const ec = keyPair('ec', { namedCurve: 'P-256' }, 'ec-1');
const ed = keyPair('ed25519', {}, 'ed-1');
const weakRsa = keyPair('rsa', { modulusLength: 1024 }, 'weak');

function signJwt(alg: string, key: TestKey, claims: object, header: object = {}): string {
  const input = `${b64({ alg, kid: key.jwk.kid, ...header })}.${b64(claims)}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (alg === 'ES256') signature = sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else if (alg === 'PS256')
    signature = sign('sha256', data, {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
  else if (alg === 'EdDSA') signature = sign(null, data, key.privateKey);
  else signature = sign('sha256', data, key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

const now = new Date('2026-03-05T12:00:00Z');
const epoch = Math.floor(now.getTime() / 1000);
const nonce = 'n-0S6_WzA2Mj';
const expected: IdTokenExpectations = {
  issuer: 'https://idp.example.org',
  clientId: 'therapy-room',
  nonceHash: createHash('sha256').update(nonce).digest(),
  now,
};
const claims = {
  iss: expected.issuer,
  aud: expected.clientId,
  sub: 'user-1',
  nonce,
  iat: epoch - 5,
  exp: epoch + 300,
  email: 'ann@example.org',
  email_verified: true,
};
const keys = [rsa.jwk, ec.jwk, ed.jwk, weakRsa.jwk];

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof IdTokenError) return err.reason;
    throw err;
  }
};

describe('ID token signature (JWS against the provider key set)', () => {
  it.each([
    ['RS256', rsa],
    ['PS256', rsa],
    ['ES256', ec],
    ['EdDSA', ed],
  ] as const)('accepts a %s token signed by a key of the set', (alg, key) => {
    const jws = decodeJws(signJwt(alg, key, claims));
    expect(verifyJwsSignature(jws, keys)).toEqual({ found: true, valid: true });
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [h, , s] = signJwt('RS256', rsa, claims).split('.');
    const forged = `${h}.${b64({ ...claims, email: 'mallory@example.org' })}.${s}`;
    expect(verifyJwsSignature(decodeJws(forged), keys)).toEqual({ found: true, valid: false });
  });

  it('refuses unsigned, MAC-signed, encrypted and critical-header tokens before looking at keys', () => {
    const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
    expect(reasonOf(() => decodeJws(none))).toBe('id_token_invalid');
    const hs = `${b64({ alg: 'HS256' })}.${b64(claims)}.c2ln`;
    expect(reasonOf(() => decodeJws(hs))).toBe('id_token_invalid');
    expect(reasonOf(() => decodeJws('a.b.c.d.e'))).toBe('id_token_invalid');
    const crit = signJwt('RS256', rsa, claims, { crit: ['exp'] });
    expect(reasonOf(() => decodeJws(crit))).toBe('id_token_invalid');
    expect(reasonOf(() => decodeJws(`${b64({ alg: 'RS256' })}.not json.sig`))).toBe('id_token_invalid');
  });

  it('uses only keys of the right type, curve and kid (no algorithm confusion), and no weak RSA key', () => {
    // An ES256 header naming the RSA key: no candidate, so the caller would fetch the keys again.
    const confused = signJwt('ES256', ec, claims, { kid: 'rsa-1' });
    expect(verifyJwsSignature(decodeJws(confused), keys)).toEqual({ found: false, valid: false });
    // A kid the set does not have (a rotated key).
    const unknownKid = signJwt('RS256', rsa, claims, { kid: 'rsa-2' });
    expect(verifyJwsSignature(decodeJws(unknownKid), keys).found).toBe(false);
    const weak = signJwt('RS256', weakRsa, claims);
    expect(verifyJwsSignature(decodeJws(weak), keys)).toEqual({ found: true, valid: false });
  });
});

describe('ID token claims (OIDC Core 3.1.3.7)', () => {
  const check = (overrides: Record<string, unknown>) =>
    reasonOf(() => validateIdTokenClaims({ ...claims, ...overrides }, expected));

  it('accepts the expected issuer, audience, times and nonce', () => {
    expect(check({})).toBeUndefined();
    expect(check({ aud: ['therapy-room', 'other'], azp: 'therapy-room' })).toBeUndefined();
    expect(check({ exp: epoch - 30 })).toBeUndefined(); // within the 60 s clock skew
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example.org' }],
    ['another audience', { aud: 'someone-else' }],
    ['several audiences without azp', { aud: ['therapy-room', 'other'] }],
    ['an azp that is not us', { azp: 'other' }],
    ['an expired token', { exp: epoch - 120 }],
    ['a token issued in the future', { iat: epoch + 600 }],
    ['a token issued hours ago', { iat: epoch - 3 * 3600, exp: epoch + 60 }],
    ['a token not valid yet', { nbf: epoch + 600 }],
    ['no expiry', { exp: undefined }],
    ['no subject', { sub: '' }],
  ])('refuses %s', (_, overrides) => {
    expect(check(overrides)).toBe('id_token_invalid');
  });

  it('refuses a missing or different nonce as a nonce mismatch', () => {
    expect(check({ nonce: 'another-nonce' })).toBe('nonce_mismatch');
    expect(check({ nonce: undefined })).toBe('nonce_mismatch');
  });
});
