import { z } from 'zod';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** A 256-bit key given as base64 (e.g. `openssl rand -base64 32`). */
export const base64KeyPattern = /^[A-Za-z0-9+/]{43}=$/;
/** The config schema of such a key (e.g. a service's own encryption key setting). */
export const base64KeySchema = z
  .string()
  .regex(base64KeyPattern, 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');

/**
 * AES-256-GCM with a fresh 96-bit IV each time and associated data that names what the plaintext
 * belongs to (a ciphertext moved to another row or field does not decrypt). Stored as
 * version (1 byte) | IV (12) | tag (16) | ciphertext. The one authenticated encryption of the project.
 */
export function seal(key: Buffer, plaintext: Buffer | string, associatedData: string): Buffer {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([
    cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
    cipher.final(),
  ]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Opens what `seal` made with the same key and associated data; anything else throws. */
export function open(key: Buffer, sealed: Buffer, associatedData: string): Buffer {
  assertKey(key);
  if (sealed.length < HEADER_BYTES || sealed[0] !== FORMAT_VERSION) {
    throw new Error('not a sealed value of a known format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 1 + IV_BYTES))
    .setAAD(Buffer.from(associatedData, 'utf8'))
    .setAuthTag(sealed.subarray(1 + IV_BYTES, HEADER_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('an AES-256 key has 32 bytes');
}
