import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import { open, seal } from '@therapy-room/data-protection';
import type { IdentityConfig } from '../identity.config';

/**
 * TOTP secrets at rest: sealed (AES-256-GCM, libs/data-protection) under TOTP_ENCRYPTION_KEY, with the
 * user id as associated data (a ciphertext copied to another user's row does not decrypt). The
 * sealed format carries a version byte, which leaves room for key rotation.
 * Single sign-on reuses it for secrets it keeps (client secrets, PKCE verifiers), with associated data
 * naming their row (`tenant_sso_config:<tenant id>`), never a user id.
 */
@Injectable()
export class TotpSecretCipher {
  private readonly key: Buffer;
  /** HMAC key for recovery-code lookup tags, derived from (never equal to) the encryption key. */
  private readonly tagKey: Buffer;

  constructor(@Inject(PLATFORM_CONFIG) config: IdentityConfig) {
    this.key = Buffer.from(config.TOTP_ENCRYPTION_KEY, 'base64');
    this.tagKey = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'recovery-code-lookup-tag', 32));
  }

  /**
   * A recovery code's lookup tag: 16 bits of a keyed HMAC of (user, code), so that a typed code
   * finds the one stored hash it can match (one argon2 verification per guess, not one per unused
   * code). 16 bits only: the table alone says nothing about a code, and even with the key it leaves
   * 34 of the code's 50 bits to the argon2id hash.
   */
  recoveryCodeTag(userId: string, code: string): number {
    return createHmac('sha256', this.tagKey)
      .update(userId)
      .update('\0')
      .update(code)
      .digest()
      .readUInt16BE(0);
  }

  encrypt(secret: string, userId: string): Buffer {
    return seal(this.key, secret, userId);
  }

  decrypt(stored: Buffer, userId: string): string {
    return open(this.key, stored, userId).toString('utf8');
  }
}
