import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { auditCheckpointRecordedV1 } from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';
import { AuditClock } from '../log/audit-clock';
import { CheckpointSigner } from './checkpoint-signer';

/**
 * Writes a signed checkpoint of an organisation's chain head: kept in audit_checkpoint and published as
 * audit.checkpoint.recorded.v1, in the caller's transaction (which holds the head's lock).
 */
@Injectable()
export class Checkpoints {
  constructor(
    private readonly signer: CheckpointSigner,
    private readonly outbox: OutboxService,
    private readonly clock: AuditClock,
  ) {}

  async record(
    manager: EntityManager,
    tenantId: string,
    head: { position: number; hash: Buffer },
    kind: 'periodic' | 'sweep' = 'periodic',
    removedThrough: number | null = null,
  ): Promise<void> {
    const signedAt = this.clock.now();
    const facts = { tenantId, position: head.position, hash: head.hash, kind, removedThrough, signedAt };
    const { kid, signature } = this.signer.sign(facts);
    await manager.query(
      `INSERT INTO audit_checkpoint (tenant_id, position, hash, kind, removed_through, signed_at, kid, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, head.position, head.hash, kind, removedThrough, signedAt, kid, signature],
    );
    if (kind === 'periodic') {
      await manager.query(
        `UPDATE audit_chain_head SET checkpointed_position = $2, first_unchecked_at = NULL WHERE tenant_id = $1`,
        [tenantId, head.position],
      );
    }
    await this.outbox.add(
      manager,
      auditCheckpointRecordedV1,
      {
        position: head.position,
        hash: head.hash.toString('hex'),
        kind,
        ...(removedThrough !== null ? { removedThrough } : {}),
        signedAt: signedAt.toISOString(),
        kid,
        signature: signature.toString('base64'),
      },
      { tenantId, subjectId: null },
    );
  }
}
