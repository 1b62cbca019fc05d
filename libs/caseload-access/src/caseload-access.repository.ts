import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseloadGrantKind } from '@therapy-room/contracts';

export interface GrantRow {
  grantId: string;
  tenantId: string;
  kind: CaseloadGrantKind;
  professionalId: string;
  clientId: string;
  /** ISO 8601 instants as the event carries them; null: open-ended. */
  validFrom: string | null;
  validUntil: string | null;
  grantedAt: string;
}

/** A grant is active at an instant inside its window: from inclusive, until exclusive, null is open. */
const activeAt = (at: string) =>
  `(valid_from IS NULL OR valid_from <= ${at}::timestamptz)
   AND (valid_until IS NULL OR valid_until > ${at}::timestamptz)`;
/** A null tenant parameter means any tenant. */
const inTenant = (tenant: string) => `(${tenant}::uuid IS NULL OR tenant_id = ${tenant}::uuid)`;

/**
 * Grant and revocation of one grant id are serialised by a transaction-level advisory lock: they arrive
 * on different topics, possibly at once, and under READ COMMITTED neither would see the other's
 * uncommitted row (the revocation would delete nothing and the grant would survive it).
 */
const LOCK_GRANT = `SELECT pg_advisory_xact_lock(hashtextextended('caseload_access_grant:' || $1::text, 0))`;

/** Every query of the caseload read model. */
@Injectable()
export class CaseloadAccessRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts or replaces the grant, unless its id was already revoked. */
  async upsertGrant(manager: EntityManager, grant: GrantRow): Promise<void> {
    await manager.query(LOCK_GRANT, [grant.grantId]);
    await manager.query(
      `INSERT INTO caseload_access_grant
         (grant_id, tenant_id, kind, professional_id, client_id, valid_from, valid_until, granted_at)
       SELECT $1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8::timestamptz
        WHERE NOT EXISTS (SELECT 1 FROM caseload_access_revoked_grant WHERE grant_id = $1)
       ON CONFLICT (grant_id) DO UPDATE SET
         tenant_id = EXCLUDED.tenant_id,
         kind = EXCLUDED.kind,
         professional_id = EXCLUDED.professional_id,
         client_id = EXCLUDED.client_id,
         valid_from = EXCLUDED.valid_from,
         valid_until = EXCLUDED.valid_until,
         granted_at = EXCLUDED.granted_at`,
      [
        grant.grantId,
        grant.tenantId,
        grant.kind,
        grant.professionalId,
        grant.clientId,
        grant.validFrom,
        grant.validUntil,
        grant.grantedAt,
      ],
    );
  }

  /** Deletes the grant (if known) and remembers its id as revoked. */
  async revokeGrant(
    manager: EntityManager,
    revocation: { grantId: string; tenantId: string; revokedAt: string },
  ): Promise<void> {
    await manager.query(LOCK_GRANT, [revocation.grantId]);
    await manager.query(`DELETE FROM caseload_access_grant WHERE grant_id = $1`, [revocation.grantId]);
    await manager.query(
      `INSERT INTO caseload_access_revoked_grant (grant_id, tenant_id, revoked_at)
       VALUES ($1, $2, $3::timestamptz)
       ON CONFLICT (grant_id) DO NOTHING`,
      [revocation.grantId, revocation.tenantId, revocation.revokedAt],
    );
  }

  /**
   * An erased subject's grants, as client or as professional, ended or not: deleted, their ids
   * remembered as revoked (a redelivered grant event cannot bring one back). Answers how many went.
   */
  async eraseSubject(manager: EntityManager, tenantId: string, subjectId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      `WITH gone AS (
         DELETE FROM caseload_access_grant
          WHERE tenant_id = $1 AND (client_id = $2 OR professional_id = $2)
          RETURNING grant_id, tenant_id),
       remembered AS (
         INSERT INTO caseload_access_revoked_grant (grant_id, tenant_id, revoked_at)
         SELECT grant_id, tenant_id, now() FROM gone
         ON CONFLICT (grant_id) DO NOTHING)
       SELECT count(*)::int AS n FROM gone`,
      [tenantId, subjectId],
    );
    return n;
  }

  /** The kind of the professional's active grant for the client (an assignment before a link), or null. */
  async activeGrantKind(
    professionalId: string,
    clientId: string,
    at: Date,
    tenantId: string | null,
  ): Promise<CaseloadGrantKind | null> {
    const rows: { kind: CaseloadGrantKind }[] = await this.dataSource.query(
      `SELECT kind FROM caseload_access_grant
        WHERE professional_id = $1 AND client_id = $2 AND ${activeAt('$3')} AND ${inTenant('$4')}
        ORDER BY kind = 'assignment' DESC
        LIMIT 1`,
      [professionalId, clientId, at, tenantId],
    );
    return rows[0]?.kind ?? null;
  }

  async activeProfessionalsOf(clientId: string, at: Date, tenantId: string | null): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT professional_id AS id FROM caseload_access_grant
        WHERE client_id = $1 AND ${activeAt('$2')} AND ${inTenant('$3')}
        ORDER BY id`,
      [clientId, at, tenantId],
    );
    return rows.map((r) => r.id);
  }

  /** Each client the professional has an active grant for, once, with its kind (an assignment before a link). */
  async activeClientsOf(
    professionalId: string,
    at: Date,
    tenantId: string | null,
  ): Promise<{ id: string; kind: CaseloadGrantKind }[]> {
    return this.dataSource.query(
      `SELECT client_id AS id, min(kind) AS kind FROM caseload_access_grant
        WHERE professional_id = $1 AND ${activeAt('$2')} AND ${inTenant('$3')}
        GROUP BY client_id
        ORDER BY id`,
      [professionalId, at, tenantId],
    );
  }

  async hasAnyGrant(clientId: string, tenantId: string): Promise<boolean> {
    const rows: { known: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM caseload_access_grant WHERE client_id = $1 AND tenant_id = $2) AS known`,
      [clientId, tenantId],
    );
    return rows[0]?.known === true;
  }
}
