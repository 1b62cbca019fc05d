import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { CaseloadGrantKind } from '@therapy-room/contracts';
import type { ListStatement } from './caseload.queries';

export interface ListRow {
  id: string;
  display_name: string | null;
  status: 'active' | 'deactivated';
  last_activity_at: Date | null;
  relation: 'assignment' | 'link' | null;
  since: Date | null;
  total: string;
}

/** How a professional stands to a client right now. */
export interface Relation {
  assigned: boolean;
  linked: boolean;
}

export interface Assignment {
  id: string;
  clientId: string;
  /** Null only on an ended assignment of a professional since erased. */
  professionalId: string | null;
  assignedAt: Date;
  endedAt: Date | null;
}

export interface Link {
  id: string;
  clientId: string;
  /** Null only on a revoked link of a professional since erased. */
  professionalId: string | null;
  validFrom: Date;
  validUntil: Date | null;
}

/** A grant still in force (or still to come) that erasure must revoke. */
export interface OpenGrant {
  id: string;
  kind: CaseloadGrantKind;
  clientId: string;
  professionalId: string;
}

/** A link in force at the instant `at` (a parameter: the service's clock decides, not the database's). */
const ACTIVE_LINK = (at: string) =>
  `l.revoked_at IS NULL AND l.valid_from <= ${at}::timestamptz AND (l.valid_until IS NULL OR l.valid_until > ${at}::timestamptz)`;
/** A link not yet ended at `at`: in force, or still to come. */
const OPEN_LINK = (at: string) =>
  `l.revoked_at IS NULL AND (l.valid_until IS NULL OR l.valid_until > ${at}::timestamptz)`;

@Injectable()
export class CaseloadRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(statement: ListStatement): Promise<ListRow[]> {
    return this.dataSource.query(statement.sql, statement.params);
  }

  async relation(tenantId: string, clientId: string, professionalId: string, at: Date): Promise<Relation> {
    const [row]: { assigned: boolean; linked: boolean }[] = await this.dataSource.query(
      `SELECT
         EXISTS (SELECT 1 FROM assignment a WHERE a.client_id = $2 AND a.professional_id = $3
                   AND a.tenant_id = $1 AND a.ended_at IS NULL) AS assigned,
         EXISTS (SELECT 1 FROM colleague_link l WHERE l.client_id = $2 AND l.professional_id = $3
                   AND l.tenant_id = $1 AND ${ACTIVE_LINK('$4')}) AS linked`,
      [tenantId, clientId, professionalId, at],
    );
    return row;
  }

  /** The client's professionals now: assignments and active links, with names. */
  async careTeam(
    clientId: string,
    at: Date,
  ): Promise<
    {
      id: string;
      display_name: string | null;
      relation: 'assignment' | 'link';
      since: Date;
      until: Date | null;
    }[]
  > {
    return this.dataSource.query(
      `SELECT DISTINCT ON (t.professional_id) t.professional_id AS id, p.display_name, t.relation, t.since, t.until
       FROM (
         SELECT a.professional_id, 'assignment' AS relation, a.assigned_at AS since, NULL::timestamptz AS until
           FROM assignment a WHERE a.client_id = $1 AND a.ended_at IS NULL
         UNION ALL
         SELECT l.professional_id, 'link', l.valid_from, l.valid_until
           FROM colleague_link l WHERE l.client_id = $1 AND ${ACTIVE_LINK('$2')}
       ) t JOIN person p ON p.id = t.professional_id
       ORDER BY t.professional_id, t.relation`,
      [clientId, at],
    );
  }

  /** Colleague links not yet ended (active now, or starting later). */
  async openLinks(
    clientId: string,
    at: Date,
  ): Promise<
    {
      id: string;
      professional_id: string;
      display_name: string | null;
      linked_by: string;
      valid_from: Date;
      valid_until: Date | null;
    }[]
  > {
    return this.dataSource.query(
      `SELECT l.id, l.professional_id, p.display_name, l.linked_by, l.valid_from, l.valid_until
       FROM colleague_link l JOIN person p ON p.id = l.professional_id
       WHERE l.client_id = $1 AND ${OPEN_LINK('$2')}
       ORDER BY l.valid_from, l.id`,
      [clientId, at],
    );
  }

  /**
   * Every assignment the client ever had, newest first (org admins see the history). An erased
   * professional's rows stay, with no professional.
   */
  async assignmentHistory(clientId: string): Promise<
    {
      id: string;
      professional_id: string | null;
      display_name: string | null;
      assigned_by: string | null;
      assigned_at: Date;
      ended_at: Date | null;
      ended_by: string | null;
      end_reason: string | null;
    }[]
  > {
    return this.dataSource.query(
      `SELECT a.id, a.professional_id, p.display_name, a.assigned_by, a.assigned_at, a.ended_at, a.ended_by, a.end_reason
       FROM assignment a LEFT JOIN person p ON p.id = a.professional_id
       WHERE a.client_id = $1
       ORDER BY a.assigned_at DESC, a.id`,
      [clientId],
    );
  }

  async hasActiveAssignment(manager: EntityManager, clientId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM assignment WHERE client_id = $1 AND ended_at IS NULL LIMIT 1`,
      [clientId],
    );
    return rows.length > 0;
  }

  /** Locks the client's person row: assignment changes for one client happen one at a time. */
  async lockClient(manager: EntityManager, tenantId: string, clientId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM person WHERE id = $1 AND tenant_id = $2 AND role = 'client' FOR UPDATE`,
      [clientId, tenantId],
    );
    return rows.length > 0;
  }

  async findActiveAssignment(
    manager: EntityManager,
    clientId: string,
    professionalId: string,
  ): Promise<Assignment | null> {
    const rows: Assignment[] = await manager.query(
      `SELECT id, client_id AS "clientId", professional_id AS "professionalId", assigned_at AS "assignedAt", ended_at AS "endedAt"
       FROM assignment WHERE client_id = $1 AND professional_id = $2 AND ended_at IS NULL`,
      [clientId, professionalId],
    );
    return rows[0] ?? null;
  }

  async findAssignment(manager: EntityManager, tenantId: string, id: string): Promise<Assignment | null> {
    const rows: Assignment[] = await manager.query(
      `SELECT id, client_id AS "clientId", professional_id AS "professionalId", assigned_at AS "assignedAt", ended_at AS "endedAt"
       FROM assignment WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0] ?? null;
  }

  async insertAssignment(
    manager: EntityManager,
    a: { tenantId: string; clientId: string; professionalId: string; assignedBy: string; at: Date },
  ): Promise<Assignment> {
    const id = randomUUID();
    const [row]: Assignment[] = await manager.query(
      `INSERT INTO assignment (id, tenant_id, client_id, professional_id, assigned_by, assigned_at, client_last_activity_at)
       SELECT $1, $2, $3, $4, $5, $6, p.last_activity_at FROM person p WHERE p.id = $3
       RETURNING id, client_id AS "clientId", professional_id AS "professionalId", assigned_at AS "assignedAt", ended_at AS "endedAt"`,
      [id, a.tenantId, a.clientId, a.professionalId, a.assignedBy, a.at],
    );
    return row;
  }

  async endAssignment(
    manager: EntityManager,
    id: string,
    endedBy: string | null,
    reason: 'removed' | 'moved' | 'erased',
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE assignment SET ended_at = $4, ended_by = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL`,
      [id, endedBy, reason, at],
    );
  }

  async insertLink(
    manager: EntityManager,
    l: {
      tenantId: string;
      clientId: string;
      professionalId: string;
      linkedBy: string;
      validFrom: Date;
      validUntil: Date | null;
    },
  ): Promise<Link> {
    const id = randomUUID();
    const [row]: Link[] = await manager.query(
      `INSERT INTO colleague_link (id, tenant_id, client_id, professional_id, linked_by, valid_from, valid_until,
                                   client_last_activity_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, p.last_activity_at FROM person p WHERE p.id = $3
       RETURNING id, client_id AS "clientId", professional_id AS "professionalId", valid_from AS "validFrom", valid_until AS "validUntil"`,
      [id, l.tenantId, l.clientId, l.professionalId, l.linkedBy, l.validFrom, l.validUntil],
    );
    return row;
  }

  /** A link of this client that has not ended (revoked, or past its end). */
  async findOpenLink(
    manager: EntityManager,
    clientId: string,
    linkId: string,
    at: Date,
  ): Promise<Link | null> {
    const rows: Link[] = await manager.query(
      `SELECT l.id, l.client_id AS "clientId", l.professional_id AS "professionalId", l.valid_from AS "validFrom", l.valid_until AS "validUntil"
       FROM colleague_link l WHERE l.id = $1 AND l.client_id = $2 AND ${OPEN_LINK('$3')}`,
      [linkId, clientId, at],
    );
    return rows[0] ?? null;
  }

  /** The client's links that the professional granted and that have not ended (in force or to come). */
  async openLinksGrantedBy(
    manager: EntityManager,
    clientId: string,
    linkedBy: string,
    at: Date,
  ): Promise<Link[]> {
    return manager.query(
      `SELECT l.id, l.client_id AS "clientId", l.professional_id AS "professionalId", l.valid_from AS "validFrom", l.valid_until AS "validUntil"
       FROM colleague_link l WHERE l.client_id = $1 AND l.linked_by = $2 AND ${OPEN_LINK('$3')}
       ORDER BY l.id`,
      [clientId, linkedBy, at],
    );
  }

  async revokeLink(manager: EntityManager, id: string, revokedBy: string | null, at: Date): Promise<void> {
    await manager.query(
      `UPDATE colleague_link SET revoked_at = $3, revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [id, revokedBy, at],
    );
  }

  /** The organisation's professionals with the number of clients in each caseload (org admins). */
  async professionals(
    tenantId: string,
  ): Promise<{ id: string; display_name: string | null; status: string; clients: string }[]> {
    return this.dataSource.query(
      `SELECT p.id, p.display_name, p.status,
              (SELECT count(*) FROM assignment a WHERE a.professional_id = p.id AND a.ended_at IS NULL) AS clients
       FROM person p WHERE p.tenant_id = $1 AND p.role = 'professional'
       ORDER BY lower(p.display_name) NULLS LAST, p.id`,
      [tenantId],
    );
  }

  /**
   * Grants in force or still to come that involve the subject, as client or as professional, and links
   * the subject granted (they end with the professional who granted them).
   */
  async openGrantsOf(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
    at: Date,
  ): Promise<OpenGrant[]> {
    return manager.query(
      `SELECT a.id, 'assignment' AS kind, a.client_id AS "clientId", a.professional_id AS "professionalId"
         FROM assignment a
        WHERE a.tenant_id = $1 AND (a.client_id = $2 OR a.professional_id = $2) AND a.ended_at IS NULL
       UNION ALL
       SELECT l.id, 'link', l.client_id, l.professional_id
         FROM colleague_link l
        WHERE l.tenant_id = $1 AND (l.client_id = $2 OR l.professional_id = $2 OR l.linked_by = $2)
          AND ${OPEN_LINK('$3')}`,
      [tenantId, subjectId, at],
    );
  }

  /** Ends every assignment and link of the subject (as client, professional or granter) at `at`: erasure. */
  async endAllOf(manager: EntityManager, tenantId: string, subjectId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE assignment SET ended_at = $3, ended_by = NULL, end_reason = 'erased'
        WHERE tenant_id = $1 AND (client_id = $2 OR professional_id = $2) AND ended_at IS NULL`,
      [tenantId, subjectId, at],
    );
    await manager.query(
      `UPDATE colleague_link SET revoked_at = $3, revoked_by = NULL
        WHERE tenant_id = $1 AND (client_id = $2 OR professional_id = $2 OR linked_by = $2) AND revoked_at IS NULL`,
      [tenantId, subjectId, at],
    );
  }

  /**
   * What a professional's erasure leaves of them in their clients' history: nothing but the rows. The
   * person row's deletion nulls professional_id (ON DELETE SET NULL); who assigned, ended, linked or
   * revoked is nulled here. Open grants must be ended first (a row without a professional is ended).
   */
  async forgetPerson(manager: EntityManager, tenantId: string, subjectId: string): Promise<void> {
    await manager.query(
      `UPDATE assignment SET assigned_by = CASE WHEN assigned_by = $2 THEN NULL ELSE assigned_by END,
              ended_by = CASE WHEN ended_by = $2 THEN NULL ELSE ended_by END
        WHERE tenant_id = $1 AND (assigned_by = $2 OR ended_by = $2)`,
      [tenantId, subjectId],
    );
    await manager.query(
      `UPDATE colleague_link SET linked_by = CASE WHEN linked_by = $2 THEN NULL ELSE linked_by END,
              revoked_by = CASE WHEN revoked_by = $2 THEN NULL ELSE revoked_by END
        WHERE tenant_id = $1 AND (linked_by = $2 OR revoked_by = $2)`,
      [tenantId, subjectId],
    );
  }
}
