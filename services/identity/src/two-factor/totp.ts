import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA1, 30-second steps, 6 digits, secrets of 20 random
 * bytes shown as base32 (RFC 4648, no padding), which is what authenticator apps expect.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of the current one that are still accepted (clock drift, typing time). */
export const TOTP_WINDOW = 1;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces, dashes and padding; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226 §5.3): dynamic truncation of HMAC-SHA1(key, counter). */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step (T) of an instant, with T0 = 0. */
export const timeStep = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);

export const totp = (key: Buffer, at: Date, digits = TOTP_DIGITS): string => hotp(key, timeStep(at), digits);

/**
 * The time step a code matches, or null. Accepts the current step ±TOTP_WINDOW, but never a step at
 * or before `lastAcceptedStep`: a code (or an older one) cannot be used twice.
 */
export function verifyTotp(
  key: Buffer,
  code: string,
  at: Date,
  lastAcceptedStep: number | null,
  digits = TOTP_DIGITS,
): number | null {
  if (code.length !== digits || !/^\d+$/.test(code)) return null;
  const current = timeStep(at);
  let matched: number | null = null;
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (lastAcceptedStep !== null && step <= lastAcceptedStep) continue;
    // Compare every candidate in constant time, and keep looking, so timing says nothing.
    const equal = timingSafeEqual(Buffer.from(hotp(key, step, digits)), Buffer.from(code));
    if (equal && matched === null) matched = step;
  }
  return matched;
}

/** A new shared secret: 20 random bytes (the HMAC-SHA1 output size, RFC 4226 §4), base32. */
export const generateTotpSecret = (): string => base32Encode(randomBytes(20));

/** The Key Uri Format authenticator apps read from a QR code. */
export function otpauthUrl(input: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.account)}`;
  const params = new URLSearchParams({
    secret: input.secret,
    issuer: input.issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
