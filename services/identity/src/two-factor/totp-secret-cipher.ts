import { Inject, Injectable } from '@nestjs/common';
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

  constructor(@Inject(PLATFORM_CONFIG) config: IdentityConfig) {
    this.key = Buffer.from(config.TOTP_ENCRYPTION_KEY, 'base64');
  }

  encrypt(secret: string, userId: string): Buffer {
    return seal(this.key, secret, userId);
  }

  decrypt(stored: Buffer, userId: string): string {
    return open(this.key, stored, userId).toString('utf8');
  }
}
