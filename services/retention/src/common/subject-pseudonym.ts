import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { RetentionConfig } from '../retention.config';

/**
 * The name an erasure certificate gives its subject: HMAC-SHA256 of organisation and subject under
 * RETENTION_PSEUDONYM_KEY. Whoever holds the id and the key can check a certificate is about them;
 * the certificate alone names nobody.
 */
@Injectable()
export class SubjectPseudonym {
  private readonly key: Buffer;

  constructor(@Inject(PLATFORM_CONFIG) config: RetentionConfig) {
    this.key = Buffer.from(config.RETENTION_PSEUDONYM_KEY, 'base64');
  }

  of(tenantId: string, subjectId: string): string {
    return createHmac('sha256', this.key).update(`${tenantId}:${subjectId}`).digest('hex');
  }
}
