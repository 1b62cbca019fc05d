/**
 * Whether the identity provider says the user passed more than one factor: an `acr` the organisation
 * configured as multi-factor, or RFC 8176 `amr` values: `mfa` itself, or a knowledge factor together
 * with a possession or inherence factor. Only the ID token counts (it is signed; userinfo is not
 * consulted for this).
 */
const KNOWLEDGE = new Set(['pwd', 'pin', 'kba']);
const POSSESSION_OR_INHERENCE = new Set([
  'otp',
  'hwk',
  'swk',
  'sms',
  'tel',
  'sc',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
]);

export function providerAssertsMfa(
  claims: { amr?: unknown; acr?: unknown },
  mfaAcrValues: readonly string[] = [],
): boolean {
  if (typeof claims.acr === 'string' && mfaAcrValues.includes(claims.acr)) return true;
  const amr = claims.amr;
  if (!Array.isArray(amr)) return false;
  const methods = amr.filter((m): m is string => typeof m === 'string');
  if (methods.includes('mfa')) return true;
  return methods.some((m) => KNOWLEDGE.has(m)) && methods.some((m) => POSSESSION_OR_INHERENCE.has(m));
}
