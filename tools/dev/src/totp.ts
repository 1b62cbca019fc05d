import { createHmac } from 'node:crypto';

/**
 * The current TOTP code (RFC 6238: HMAC-SHA1, 30 s, 6 digits) for a base32 secret, as an
 * authenticator app shows it. For the local stack and tests only; deliberately independent of
 * identity's implementation (services/identity/src/two-factor/totp.ts), so each checks the other.
 */
export function totpCode(base32Secret: string, at: Date = new Date(), stepOffset = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32Secret.toUpperCase().replace(/[\s=-]/g, '')]
    .map((c) => {
      const i = alphabet.indexOf(c);
      if (i < 0) throw new Error(`not a base32 secret: unexpected "${c}"`);
      return i.toString(2).padStart(5, '0');
    })
    .join('');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(totpStep(at) + stepOffset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[19] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export const totpStep = (at: Date = new Date()): number => Math.floor(at.getTime() / 30_000);
