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

/**
 * The address of a mailed link: the app's page on this region's public URL, naming the organisation
 * (its slug, nothing else) so that any region's gateway can send it home before anything is looked up,
 * and the token. The organisation comes after the token: a link cut short still carries the token.
 */
export const linkUrl = (
  publicUrl: string,
  page: 'activate' | 'reset-password',
  slug: string,
  token: string,
) => `${publicUrl.replace(/\/$/, '')}/${page}?token=${token}&organisation=${encodeURIComponent(slug)}`;

/** A link names its organisation, or (a link from before links named it) nothing: both must agree. */
export const linkNamesTenant = (named: string | undefined, slug: string): boolean =>
  named === undefined || named === slug;
