import { randomBytes } from 'node:crypto';
import { open, seal } from './aead';

describe('seal / open (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips, with a fresh IV each time', () => {
    const a = seal(key, 'I slept badly again', 'diary:1');
    const b = seal(key, 'I slept badly again', 'diary:1');
    expect(a.equals(b)).toBe(false);
    expect(open(key, a, 'diary:1').toString('utf8')).toBe('I slept badly again');
    expect(a.includes(Buffer.from('slept'))).toBe(false);
  });

  it('refuses other associated data, another key, a changed byte and unknown formats', () => {
    const sealed = seal(key, 'text', 'message:1');
    expect(() => open(key, sealed, 'message:2')).toThrow();
    expect(() => open(randomBytes(32), sealed, 'message:1')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => open(key, tampered, 'message:1')).toThrow();
    expect(() => open(key, Buffer.concat([Buffer.from([9]), sealed.subarray(1)]), 'message:1')).toThrow(
      /format/,
    );
    expect(() => seal(randomBytes(16), 'x', 'y')).toThrow(/32 bytes/);
  });
});
