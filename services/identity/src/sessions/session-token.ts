import { createHash } from 'node:crypto';

/** Only the SHA-256 of a session token is stored; the token itself lives in the cookie only. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
