import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import { open, seal } from './aead';
import type { DataProtectionConfig } from './data-protection.config';
import { SubjectKeyStore } from './subject-key-store';

/** The subject's data key is gone: their data was erased (crypto-shredded). */
export class SubjectKeyShreddedError extends Error {
  constructor() {
    super("the subject's data key no longer exists (erased)");
    this.name = 'SubjectKeyShreddedError';
  }
}

export interface Subject {
  tenantId: string;
  subjectId: string;
}

/**
 * Unwrapped keys are kept in memory this long, so a page of messages costs one key lookup. Another
 * replica may hold a shredded subject's key that long, but only in memory, and the subject's rows are
 * deleted in the same transaction as the key.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * Envelope encryption of free-text health data: each subject (client) has a random 256-bit data key,
 * stored only wrapped with the region's master key, in the region's key database (SubjectKeyStore);
 * their values are sealed with it (AES-256-GCM) and associated data naming the subject and the
 * field, so a ciphertext copied elsewhere does not open. `shred` deletes the key: every copy of the
 * values, in backups and on Kafka too, becomes unreadable.
 */
@Injectable()
export class SubjectDataCipher {
  private readonly masterKeys: Map<string, Buffer>;
  private readonly currentKeyId: string;
  private readonly cache = new Map<string, { key: Buffer; until: number }>();

  constructor(
    private readonly keys: SubjectKeyStore,
    @Inject(PLATFORM_CONFIG) config: DataProtectionConfig,
  ) {
    this.masterKeys = new Map(
      Object.entries(config.DATA_MASTER_KEYS).map(([id, key]) => [id, Buffer.from(key, 'base64')]),
    );
    if (!this.masterKeys.has(config.DATA_MASTER_KEY_ID)) {
      throw new Error('DATA_MASTER_KEY_ID must name one of DATA_MASTER_KEYS');
    }
    this.currentKeyId = config.DATA_MASTER_KEY_ID;
  }

  /**
   * Seals a text of the subject; `field` names where it is kept (e.g. `message.body:<message id>`).
   * `manager` is the caller's transaction (kept for callers; the key itself lives in the key database).
   */
  async encrypt(
    _manager: EntityManager,
    subject: Subject,
    field: string,
    plaintext: string,
  ): Promise<Buffer> {
    const key = await this.keyFor(subject, true);
    return seal(key, plaintext, aad(subject.subjectId, field));
  }

  /** Opens a text of the subject; throws SubjectKeyShreddedError once the subject was erased. */
  async decrypt(subjectId: string, field: string, sealed: Buffer, _manager?: EntityManager): Promise<string> {
    const key = await this.keyFor({ subjectId, tenantId: '' }, false);
    return open(key, sealed, aad(subjectId, field)).toString('utf8');
  }

  /**
   * Deletes the subject's data key, committed in the key database at once (not with the caller's
   * erasure transaction: erasure runs it before its own commit, and a redelivered erasure finds no
   * key). True when there was one.
   */
  async shred(_manager: EntityManager, subjectId: string): Promise<boolean> {
    this.cache.delete(subjectId);
    const deleted = await this.keys.delete(subjectId);
    this.cache.delete(subjectId);
    return deleted;
  }

  /** The organisations under which this service keeps a key for the id (one, or none). */
  tenantsOf(subjectId: string): Promise<string[]> {
    return this.keys.tenantsOf(subjectId);
  }

  private async keyFor(subject: Subject, create: boolean): Promise<Buffer> {
    const cached = this.cache.get(subject.subjectId);
    if (cached && cached.until > Date.now()) return cached.key;
    let stored = await this.keys.find(subject.subjectId);
    if (!stored && create) {
      const dataKey = randomBytes(32);
      const wrapped = seal(
        this.masterKeys.get(this.currentKeyId)!,
        dataKey,
        aad(subject.subjectId, 'data-key'),
      );
      // Two first writes for one subject may race: the first key wins, the other reads it back.
      await this.keys.insert(subject, { master_key_id: this.currentKeyId, wrapped_key: wrapped });
      stored = await this.keys.find(subject.subjectId);
    }
    if (!stored) throw new SubjectKeyShreddedError();
    const master = this.masterKeys.get(stored.master_key_id);
    if (!master) throw new Error(`master key ${stored.master_key_id} is not configured (DATA_MASTER_KEYS)`);
    const key = open(master, stored.wrapped_key, aad(subject.subjectId, 'data-key'));
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subject.subjectId, { key, until: Date.now() + CACHE_TTL_MS });
    return key;
  }
}

const aad = (subjectId: string, field: string) => `${subjectId}|${field}`;
