import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';

const VERSION = 1;

/**
 * TOTP secrets at rest: AES-256-GCM under TOTP_ENCRYPTION_KEY, a fresh 96-bit IV each time, the user
 * id as associated data (a ciphertext copied to another user's row does not decrypt). Stored as
 * version (1 byte) | IV (12) | tag (16) | ciphertext; the version byte leaves room for key rotation.
 * Single sign-on reuses it for secrets it keeps (client secrets, PKCE verifiers), with associated data
 * naming their row (`tenant_sso_config:<tenant id>`), never a user id.
 */
@Injectable()
export class TotpSecretCipher {
  private readonly key: Buffer;

  constructor(@Inject(PLATFORM_CONFIG) config: IdentityConfig) {
    this.key = Buffer.from(config.TOTP_ENCRYPTION_KEY, 'base64');
  }

  encrypt(secret: string, userId: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(userId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(stored: Buffer, userId: string): string {
    if (stored[0] !== VERSION) throw new Error('unknown TOTP secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, stored.subarray(1, 13))
      .setAAD(Buffer.from(userId))
      .setAuthTag(stored.subarray(13, 29));
    return Buffer.concat([decipher.update(stored.subarray(29)), decipher.final()]).toString('utf8');
  }
}
