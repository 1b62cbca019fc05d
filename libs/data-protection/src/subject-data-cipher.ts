import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import { open, seal } from './aead';
import type { DataProtectionConfig } from './data-protection.config';

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
 * stored only wrapped with the region's master key; their texts are sealed with it (AES-256-GCM) and
 * associated data naming the subject and the field, so a ciphertext copied elsewhere does not open.
 * `shred` deletes the key in the caller's (erasure) transaction: every copy of the texts, in backups
 * too, becomes unreadable.
 */
@Injectable()
export class SubjectDataCipher {
  private readonly masterKeys: Map<string, Buffer>;
  private readonly currentKeyId: string;
  private readonly cache = new Map<string, { key: Buffer; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
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

  /** Seals a text of the subject; `field` names where it is kept (e.g. `message.body:<message id>`). */
  async encrypt(manager: EntityManager, subject: Subject, field: string, plaintext: string): Promise<Buffer> {
    const key = await this.keyFor(manager, subject, true);
    return seal(key, plaintext, aad(subject.subjectId, field));
  }

  /** Opens a text of the subject; throws SubjectKeyShreddedError once the subject was erased. */
  async decrypt(
    subjectId: string,
    field: string,
    sealed: Buffer,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string> {
    const key = await this.keyFor(manager, { subjectId, tenantId: '' }, false);
    return open(key, sealed, aad(subjectId, field)).toString('utf8');
  }

  /** Deletes the subject's data key (in the erasure transaction). True when there was one. */
  async shred(manager: EntityManager, subjectId: string): Promise<boolean> {
    this.cache.delete(subjectId);
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await manager.query(`DELETE FROM subject_data_key WHERE subject_id = $1`, [
      subjectId,
    ])) as [unknown[], number];
    return affected > 0;
  }

  private async keyFor(manager: EntityManager, subject: Subject, create: boolean): Promise<Buffer> {
    const cached = this.cache.get(subject.subjectId);
    if (cached && cached.until > Date.now()) return cached.key;
    let rows: { master_key_id: string; wrapped_key: Buffer }[] = await manager.query(
      `SELECT master_key_id, wrapped_key FROM subject_data_key WHERE subject_id = $1`,
      [subject.subjectId],
    );
    if (!rows.length && create) {
      const dataKey = randomBytes(32);
      const wrapped = seal(
        this.masterKeys.get(this.currentKeyId)!,
        dataKey,
        aad(subject.subjectId, 'data-key'),
      );
      // Two first writes for one subject may race: the first key wins, the other reads it back.
      await manager.query(
        `INSERT INTO subject_data_key (subject_id, tenant_id, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (subject_id) DO NOTHING`,
        [subject.subjectId, subject.tenantId, this.currentKeyId, wrapped],
      );
      rows = await manager.query(
        `SELECT master_key_id, wrapped_key FROM subject_data_key WHERE subject_id = $1`,
        [subject.subjectId],
      );
    }
    if (!rows.length) throw new SubjectKeyShreddedError();
    const master = this.masterKeys.get(rows[0].master_key_id);
    if (!master) throw new Error(`master key ${rows[0].master_key_id} is not configured (DATA_MASTER_KEYS)`);
    const key = open(master, rows[0].wrapped_key, aad(subject.subjectId, 'data-key'));
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subject.subjectId, { key, until: Date.now() + CACHE_TTL_MS });
    return key;
  }
}

const aad = (subjectId: string, field: string) => `${subjectId}|${field}`;
