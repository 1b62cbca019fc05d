import { base32Decode, base32Encode, generateTotpSecret, otpauthUrl, totp, verifyTotp } from './totp';

/** RFC 6238 Appendix B: the SHA1 seed is the ASCII string "12345678901234567890". */
const rfcKey = Buffer.from('12345678901234567890', 'ascii');
const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 Appendix B SHA1 vector at T=%i (8 digits)', (seconds, expected) => {
    expect(totp(rfcKey, at(seconds), 8)).toBe(expected);
  });

  it('uses the last 6 digits of the same value for 6-digit codes', () => {
    expect(totp(rfcKey, at(59))).toBe('287082');
    expect(totp(rfcKey, at(1111111109))).toBe('081804');
  });

  it('round-trips base32 and reads the RFC key in its base32 form', () => {
    expect(base32Encode(rfcKey)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode('gezd gnbv-gy3tqojqgezdgnbvgy3tqojq')).toEqual(rfcKey);
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(() => base32Decode('not base32!')).toThrow();
  });

  it('accepts the previous, current and next step only', () => {
    const now = 1111111111;
    for (const offset of [-30, 0, 30]) {
      const code = totp(rfcKey, at(now + offset));
      expect(verifyTotp(rfcKey, code, at(now), null)).toBe(Math.floor((now + offset) / 30));
    }
    for (const offset of [-60, 60, 3600]) {
      expect(verifyTotp(rfcKey, totp(rfcKey, at(now + offset)), at(now), null)).toBeNull();
    }
  });

  it('refuses a replayed step and any older one, but accepts a later step', () => {
    const now = 1234567890;
    const step = Math.floor(now / 30);
    const code = totp(rfcKey, at(now));
    expect(verifyTotp(rfcKey, code, at(now), step - 1)).toBe(step);
    expect(verifyTotp(rfcKey, code, at(now), step)).toBeNull();
    expect(verifyTotp(rfcKey, totp(rfcKey, at(now - 30)), at(now), step)).toBeNull();
    expect(verifyTotp(rfcKey, totp(rfcKey, at(now + 30)), at(now), step)).toBe(step + 1);
  });

  it('refuses malformed codes', () => {
    const now = at(59);
    for (const code of ['', '28708', '2870820', '28708a', ' 87082', '94287082']) {
      expect(verifyTotp(rfcKey, code, now, null)).toBeNull();
    }
  });

  it('builds an otpauth:// URL authenticator apps read', () => {
    const url = new URL(otpauthUrl({ issuer: 'Therapy Room', account: 'a@b.example', secret: 'ABC' }));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/Therapy Room:a@b.example');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: 'ABC',
      issuer: 'Therapy Room',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
