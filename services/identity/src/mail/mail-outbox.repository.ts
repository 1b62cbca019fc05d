import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { MailKind, MailOutboxEntry } from './outgoing-mail';

interface Row {
  id: string;
  tenant_id: string;
  user_id: string;
  kind: MailKind;
  ref_id: string;
  attempts: number;
}

/** The mail outbox table: rows wait here until sent (then deleted) or parked after too many failures. */
@Injectable()
export class MailOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the row only when `when` is true, by the same statement either way (see MailOutboxService.enqueue). */
  async insert(
    manager: EntityManager,
    entry: { tenantId: string; userId: string; kind: MailKind; refId: string },
    when = true,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO mail_outbox (id, tenant_id, user_id, kind, ref_id)
       SELECT $1, $2, $3, $4, $5 WHERE $6::boolean`,
      [randomUUID(), entry.tenantId, entry.userId, entry.kind, entry.refId, when],
    );
  }

  /**
   * Claims the next due row (skipping rows other replicas hold) and leases it: attempts + 1 and
   * next_attempt_at pushed out, so a crash mid-send means a retry after the lease, not a lost mail.
   */
  async claimNext(manager: EntityManager, leaseSeconds: number): Promise<MailOutboxEntry | null> {
    const [row] = (await manager.query(
      `SELECT id, tenant_id, user_id, kind, ref_id, attempts FROM mail_outbox
        WHERE parked_at IS NULL AND next_attempt_at <= now()
        ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    )) as Row[];
    if (!row) return null;
    await manager.query(
      `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
        WHERE id = $1`,
      [row.id, leaseSeconds],
    );
    return {
      id: row.id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      kind: row.kind,
      refId: row.ref_id,
      attempts: row.attempts + 1,
    };
  }

  async delete(id: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`DELETE FROM mail_outbox WHERE id = $1`, [id]);
  }

  /** A failed attempt: retry after the delay, or park the row (kept for ops, never retried). */
  async failed(id: string, error: string, retryInSeconds: number | null): Promise<void> {
    await this.dataSource.query(
      retryInSeconds === null
        ? `UPDATE mail_outbox SET last_error = $2, parked_at = now() WHERE id = $1`
        : `UPDATE mail_outbox SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`,
      retryInSeconds === null ? [id, error] : [id, error, retryInSeconds],
    );
  }
}
