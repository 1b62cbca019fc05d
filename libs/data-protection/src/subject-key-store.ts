import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { DataProtectionConfig } from './data-protection.config';

export interface StoredKey {
  master_key_id: string;
  wrapped_key: Buffer;
}

const BATCH = 1000;

/**
 * The subjects' wrapped data keys, in the region's key database (DATA_KEYS_DATABASE_URL, this
 * service's schema DATA_KEYS_SCHEMA), never in the service's own database: a backup of the data does
 * not hold the keys that open it, and the key database's backups are kept for a shorter time. A key
 * is written and deleted in the key database's own transaction (there is no transaction spanning both
 * databases): erasure deletes the key first, so a rolled-back erasure leaves rows that no longer open
 * and is run again whole.
 */
@Injectable()
export class SubjectKeyStore implements OnModuleInit, OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(
    @Inject(PLATFORM_CONFIG) config: DataProtectionConfig,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.pool = new Pool({
      connectionString: config.DATA_KEYS_DATABASE_URL,
      max: config.DATA_KEYS_POOL_MAX,
      options: `-c search_path=${config.DATA_KEYS_SCHEMA}`,
      application_name: 'subject-key-store',
    });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'key database connection failed'));
  }

  async onModuleInit(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS subject_data_key (
        subject_id uuid CONSTRAINT subject_data_key_pkey PRIMARY KEY,
        tenant_id uuid NOT NULL,
        master_key_id text NOT NULL,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    const moved = await this.moveKeysOutOfServiceDatabase();
    if (moved) this.logger.info({ moved }, 'data keys moved from the service database to the key database');
  }

  async onApplicationShutdown(): Promise<void> {
    // Nest may call shutdown hooks more than once (signal and close); the pool ends once.
    if (this.pool.ended) return;
    await this.pool.end();
  }

  async find(subjectId: string): Promise<StoredKey | null> {
    const { rows } = await this.pool.query<StoredKey>(
      `SELECT master_key_id, wrapped_key FROM subject_data_key WHERE subject_id = $1`,
      [subjectId],
    );
    return rows[0] ?? null;
  }

  /** Stores a new key unless the subject has one (two first writes may race: the first wins). */
  async insert(subject: { tenantId: string; subjectId: string }, key: StoredKey): Promise<void> {
    await this.pool.query(
      `INSERT INTO subject_data_key (subject_id, tenant_id, master_key_id, wrapped_key) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_id) DO NOTHING`,
      [subject.subjectId, subject.tenantId, key.master_key_id, key.wrapped_key],
    );
  }

  /** Deletes the subject's key (committed at once); true when there was one. */
  async delete(subjectId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM subject_data_key WHERE subject_id = $1`, [
      subjectId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** The organisations whose subject holds a key here under this id (one, or none). */
  async tenantsOf(subjectId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ tenant_id: string }>(
      `SELECT tenant_id FROM subject_data_key WHERE subject_id = $1`,
      [subjectId],
    );
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Releases before this one kept the keys in the service's schema (`subject_data_key`, migration
   * SubjectDataKeys1763900000200): they are copied here and deleted there, in batches, at every start
   * until none is left. Idempotent; replicas starting together do not copy a key twice.
   */
  private async moveKeysOutOfServiceDatabase(): Promise<number> {
    const [{ present }]: { present: boolean }[] = await this.dataSource.query(
      `SELECT to_regclass('subject_data_key') IS NOT NULL AS present`,
    );
    if (!present) return 0;
    let moved = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (manager) => {
        const rows: { subject_id: string; tenant_id: string; master_key_id: string; wrapped_key: Buffer }[] =
          await manager.query(
            `SELECT subject_id, tenant_id, master_key_id, wrapped_key FROM subject_data_key
              LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          );
        if (!rows.length) return 0;
        await this.pool.query(
          `INSERT INTO subject_data_key (subject_id, tenant_id, master_key_id, wrapped_key)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bytea[])
           ON CONFLICT (subject_id) DO NOTHING`,
          [
            rows.map((r) => r.subject_id),
            rows.map((r) => r.tenant_id),
            rows.map((r) => r.master_key_id),
            rows.map((r) => r.wrapped_key),
          ],
        );
        await manager.query(`DELETE FROM subject_data_key WHERE subject_id = ANY($1)`, [
          rows.map((r) => r.subject_id),
        ]);
        return rows.length;
      });
      moved += n;
      if (n < BATCH) return moved;
    }
  }
}
