import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { GENESIS_HASH } from '../log/audit-record';
import type { LogRow } from '../reading/log.repository';
import { verifyChain, type StoredCheckpoint, type StoredRecord, type VerifyResult } from './chain-verifier';

/** A stored record as verify reads it: what the log shows, plus its place in the chain. */
interface RecordRow extends LogRow {
  tenant_id: string;
  recorded_at: Date;
  event_id: string;
  prev_hash: Buffer;
  hash: Buffer;
}
interface CheckpointRow {
  tenant_id: string;
  position: string;
  hash: Buffer;
  kind: 'periodic' | 'sweep';
  removed_through: string | null;
  signed_at: Date;
  kid: string;
  signature: Buffer;
}

const toRecord = (r: RecordRow): StoredRecord => ({
  tenantId: r.tenant_id,
  position: Number(r.position),
  recordedAt: r.recorded_at,
  occurredAt: r.occurred_at,
  eventId: r.event_id,
  action: r.action,
  outcome: r.outcome,
  reason: r.reason,
  actorPs: r.actor_ps,
  actorRole: r.actor_role,
  responsiblePs: r.responsible_ps,
  grantId: r.grant_id,
  subjectPs: r.subject_ps,
  objectType: r.object_type,
  objectId: r.object_id,
  sensitivity: r.sensitivity,
  basis: r.basis,
  sourceService: r.source_service,
  sourceAddress: r.source_address,
  requestId: r.request_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});
const toCheckpoint = (c: CheckpointRow): StoredCheckpoint => ({
  tenantId: c.tenant_id,
  position: Number(c.position),
  hash: c.hash,
  kind: c.kind,
  removedThrough: c.removed_through === null ? null : Number(c.removed_through),
  signedAt: c.signed_at,
  kid: c.kid,
  signature: c.signature,
});

export class UnknownTenantError extends Error {}

/** `audit verify`: loads an organisation's chain and checkpoints and checks them (verifyChain). */
@Injectable()
export class VerifyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: CheckpointSigner,
  ) {}

  async resolveTenant(slugOrId: string): Promise<string> {
    const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(slugOrId);
    const rows: { id: string }[] = await this.dataSource.query(
      isId
        ? `SELECT $1::uuid AS id WHERE EXISTS (SELECT 1 FROM audit_chain_head WHERE tenant_id = $1::uuid)
             OR EXISTS (SELECT 1 FROM tenant WHERE id = $1::uuid)`
        : `SELECT id FROM tenant WHERE slug = $1`,
      [slugOrId.toLowerCase()],
    );
    if (!rows[0]) throw new UnknownTenantError(`no organisation ${slugOrId} in the audit log`);
    return rows[0].id;
  }

  /** `from`: a position, or a time (the first record at or after it); verification starts at the checkpoint before. */
  async verify(tenantId: string, from?: number | Date): Promise<VerifyResult> {
    const checkpoints = (
      (await this.dataSource.query(
        `SELECT * FROM audit_checkpoint WHERE tenant_id = $1 ORDER BY position, id`,
        [tenantId],
      )) as CheckpointRow[]
    ).map(toCheckpoint);
    // Records before the newest sweep are gone by design: the sweep's signed checkpoint is the chain's start.
    let anchor: { position: number; hash: Buffer } = { position: 0, hash: GENESIS_HASH };
    for (const c of checkpoints) {
      if (c.kind === 'sweep' && c.position >= anchor.position)
        anchor = { position: c.position, hash: c.hash };
    }
    if (from !== undefined) {
      const fromPosition = typeof from === 'number' ? from : await this.firstPositionAt(tenantId, from);
      for (const c of checkpoints) {
        if (c.position < fromPosition && c.position > anchor.position)
          anchor = { position: c.position, hash: c.hash };
      }
    }
    const rows: RecordRow[] = await this.dataSource.query(
      `SELECT * FROM audit_record WHERE tenant_id = $1 AND position > $2 ORDER BY position`,
      [tenantId, anchor.position],
    );
    return verifyChain(anchor, rows.map(toRecord), checkpoints, (c) => this.signer.check(c, c.signature));
  }

  private async firstPositionAt(tenantId: string, at: Date): Promise<number> {
    const [row]: { position: string | null }[] = await this.dataSource.query(
      `SELECT min(position) AS position FROM audit_record WHERE tenant_id = $1 AND occurred_at >= $2`,
      [tenantId, at],
    );
    return row.position === null ? Number.MAX_SAFE_INTEGER : Number(row.position);
  }
}
