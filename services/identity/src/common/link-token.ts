import { createHash, randomBytes } from 'node:crypto';

/**
 * Single-use link tokens (invitations, password resets): 256 random bits, handed out once in a mail;
 * only their SHA-256 is stored.
 */
export const newLinkToken = (): { token: string; hash: Buffer } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
};
export const hashLinkToken = (token: string): Buffer => createHash('sha256').update(token).digest();
