import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { AuditConfig } from '../audit.config';
import { Checkpoints } from '../checkpoints/checkpoints';
import { AuditClock } from './audit-clock';
import { GENESIS_HASH, chainHash, type AuditRecord } from './audit-record';
import { Pseudonyms } from './pseudonyms';

/** A record as the ingest states it: the writer adds the organisation, position and time. */
export type RecordDraft = Omit<AuditRecord, 'tenantId' | 'position' | 'recordedAt'>;

interface HeadRow {
  position: string;
  hash: Buffer;
  checkpointed_position: string;
}

/**
 * Appends records to an organisation's hash chain. Appends of one organisation are serialised by
 * locking its head row (FOR UPDATE) for the transaction; records of one call (a consumed batch of
 * events) go in one INSERT, their hashes computed in one pass. Every AUDIT_CHECKPOINT_EVERY_RECORDS
 * records the same transaction writes a signed checkpoint.
 */
@Injectable()
export class AuditLogWriter {
  private readonly checkpointEvery: number;

  constructor(
    @Inject(PLATFORM_CONFIG) config: AuditConfig,
    private readonly pseudonyms: Pseudonyms,
    private readonly checkpoints: Checkpoints,
    private readonly clock: AuditClock,
  ) {
    this.checkpointEvery = config.AUDIT_CHECKPOINT_EVERY_RECORDS;
  }

  /** `people`: pseudonym → person id of everyone the drafts name. */
  async append(
    manager: EntityManager,
    tenantId: string,
    drafts: RecordDraft[],
    people: Map<string, string>,
  ): Promise<AuditRecord[]> {
    if (drafts.length === 0) return [];
    await this.pseudonyms.remember(manager, tenantId, people);
    const head = await this.lockHead(manager, tenantId);
    const recordedAt = this.clock.now();
    let prev = head.hash;
    let position = Number(head.position);
    let checkpointed = Number(head.checkpointed_position);
    const records: AuditRecord[] = [];
    const prevHashes: Buffer[] = [];
    const hashes: Buffer[] = [];
    /** Every AUDIT_CHECKPOINT_EVERY_RECORDS records, however many one append writes. */
    const due: { position: number; hash: Buffer }[] = [];
    for (const draft of drafts) {
      position += 1;
      const record: AuditRecord = { ...draft, tenantId, position, recordedAt };
      const hash = chainHash(prev, record);
      records.push(record);
      prevHashes.push(prev);
      hashes.push(hash);
      prev = hash;
      if (position - checkpointed >= this.checkpointEvery) {
        due.push({ position, hash });
        checkpointed = position;
      }
    }
    await insertRecords(manager, records, prevHashes, hashes);
    for (const checkpoint of due) await this.checkpoints.record(manager, tenantId, checkpoint);
    // Records after the last checkpoint wait for the next one (by count, or by time: the scheduler).
    await manager.query(
      `UPDATE audit_chain_head SET position = $2, hash = $3,
         first_unchecked_at = CASE WHEN checkpointed_position = $2 THEN NULL ELSE COALESCE(first_unchecked_at, $4) END
        WHERE tenant_id = $1`,
      [tenantId, position, prev, recordedAt],
    );
    return records;
  }

  private async lockHead(manager: EntityManager, tenantId: string): Promise<HeadRow> {
    await manager.query(
      `INSERT INTO audit_chain_head (tenant_id, position, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING`,
      [tenantId, GENESIS_HASH],
    );
    const [head]: HeadRow[] = await manager.query(
      `SELECT position, hash, checkpointed_position FROM audit_chain_head WHERE tenant_id = $1 FOR UPDATE`,
      [tenantId],
    );
    return head;
  }
}

const columns = [
  'tenant_id',
  'position',
  'recorded_at',
  'occurred_at',
  'event_id',
  'action',
  'outcome',
  'reason',
  'actor_ps',
  'actor_role',
  'responsible_ps',
  'grant_id',
  'subject_ps',
  'object_type',
  'object_id',
  'sensitivity',
  'basis',
  'source_service',
  'source_address',
  'request_id',
  'prev_hash',
  'hash',
] as const;
const types = [
  'uuid',
  'bigint',
  'timestamptz',
  'timestamptz',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'uuid',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'bytea',
  'bytea',
];

/** One INSERT … SELECT FROM unnest(…) for any number of records (one array parameter per column). */
export async function insertRecords(
  manager: EntityManager,
  records: AuditRecord[],
  prevHashes: Buffer[],
  hashes: Buffer[],
): Promise<void> {
  const params = [
    records.map((r) => r.tenantId),
    records.map((r) => r.position),
    records.map((r) => r.recordedAt),
    records.map((r) => r.occurredAt),
    records.map((r) => r.eventId),
    records.map((r) => r.action),
    records.map((r) => r.outcome),
    records.map((r) => r.reason),
    records.map((r) => r.actorPs),
    records.map((r) => r.actorRole),
    records.map((r) => r.responsiblePs),
    records.map((r) => r.grantId),
    records.map((r) => r.subjectPs),
    records.map((r) => r.objectType),
    records.map((r) => r.objectId),
    records.map((r) => r.sensitivity),
    records.map((r) => r.basis),
    records.map((r) => r.sourceService),
    records.map((r) => r.sourceAddress),
    records.map((r) => r.requestId),
    prevHashes,
    hashes,
  ];
  await manager.query(
    `INSERT INTO audit_record (${columns.join(', ')})
     SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
    params,
  );
}
