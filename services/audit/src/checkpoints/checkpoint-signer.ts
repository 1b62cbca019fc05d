import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { AuditConfig } from '../audit.config';

export interface CheckpointFacts {
  tenantId: string;
  position: number;
  hash: Buffer;
  kind: 'periodic' | 'sweep';
  removedThrough: number | null;
  signedAt: Date;
  kid: string;
}

/** What the signature covers: every fact of the checkpoint, in a fixed order. */
export function canonicalCheckpoint(c: CheckpointFacts): string {
  return JSON.stringify([
    'therapy-room.audit.checkpoint.v1',
    c.tenantId,
    c.position,
    c.hash.toString('hex'),
    c.kind,
    c.removedThrough,
    c.signedAt.toISOString(),
    c.kid,
  ]);
}

/**
 * Signs checkpoints with Ed25519 (AUDIT_SIGNING_KEYS, the current one AUDIT_SIGNING_KEY_ID) and checks
 * them with any configured key, so checkpoints signed before a rotation still verify.
 */
@Injectable()
export class CheckpointSigner {
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();
  readonly currentKid: string;

  constructor(
    @Inject(PLATFORM_CONFIG) config: Pick<AuditConfig, 'AUDIT_SIGNING_KEYS' | 'AUDIT_SIGNING_KEY_ID'>,
  ) {
    for (const [kid, pem] of Object.entries(config.AUDIT_SIGNING_KEYS)) {
      const key = createPrivateKey(pem);
      this.privateKeys.set(kid, key);
      this.publicKeys.set(kid, createPublicKey(key));
    }
    if (!this.privateKeys.has(config.AUDIT_SIGNING_KEY_ID)) {
      throw new Error('AUDIT_SIGNING_KEY_ID names no key of AUDIT_SIGNING_KEYS');
    }
    this.currentKid = config.AUDIT_SIGNING_KEY_ID;
  }

  sign(facts: Omit<CheckpointFacts, 'kid'>): { kid: string; signature: Buffer } {
    const kid = this.currentKid;
    const signature = sign(
      null,
      Buffer.from(canonicalCheckpoint({ ...facts, kid })),
      this.privateKeys.get(kid)!,
    );
    return { kid, signature };
  }

  /** 'valid', or why not. */
  check(facts: CheckpointFacts, signature: Buffer): 'valid' | 'unknown key' | 'bad signature' {
    const key = this.publicKeys.get(facts.kid);
    if (!key) return 'unknown key';
    return verify(null, Buffer.from(canonicalCheckpoint(facts)), key, signature) ? 'valid' : 'bad signature';
  }
}
