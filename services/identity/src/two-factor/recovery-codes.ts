import { randomBytes } from 'node:crypto';
import { base32Encode } from './totp';

export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten single-use recovery codes, each 10 base32 characters (50 random bits) shown as XXXXX-XXXXX.
 * They are stored as argon2id hashes, not salted SHA-256: 50 bits is short enough that a leaked table
 * of fast hashes could be brute-forced offline (2^50 SHA-256 is days on one GPU), while argon2id
 * makes that impractical. Each row also has a 16-bit lookup tag (a keyed HMAC, see
 * TotpSecretCipher.recoveryCodeTag), distinct within a user's set, so a typed code costs one argon2
 * verification whatever the number of codes; every guess is throttled like a login attempt.
 */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const code = base32Encode(randomBytes(7)).slice(0, 10);
    return `${code.slice(0, 5)}-${code.slice(5)}`;
  });
}

/** The canonical form of a typed recovery code (case, spaces and dashes do not matter), or null. */
export function normaliseRecoveryCode(input: string): string | null {
  const clean = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z2-7]{10}$/.test(clean) ? clean : null;
}
