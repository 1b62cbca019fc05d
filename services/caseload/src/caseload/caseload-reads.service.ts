import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditedAccess, Clock, PLATFORM_CONFIG } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import type { CaseloadConfig } from '../caseload.config';
import { CaseloadErrorCode, CaseloadException, notFound } from '../common/caseload.exception';
import { ClientActivityRepository } from '../people/client-activity.repository';
import { CaseloadAuthority } from './caseload-authority.service';
import { CaseloadRepository, type ListRow } from './caseload.repository';
import { listClientsStatement } from './caseload.queries';
import type { CaseloadPage, ListClientsQuery } from './dto/caseload.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Reading caseloads: a professional's list, the organisation's list, one client's entry, a client's
 * own care team, every professional's caseload size. Every read of an entry is audited (one entry
 * per client, also in lists).
 */
@Injectable()
export class CaseloadReadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly caseload: CaseloadRepository,
    private readonly activity: ClientActivityRepository,
    private readonly authority: CaseloadAuthority,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: CaseloadConfig,
  ) {}

  get maxPageSize(): number {
    return this.config.CASELOAD_MAX_PAGE_SIZE;
  }

  async list(actor: Actor, query: ListClientsQuery): Promise<CaseloadPage> {
    const kind = actorKind(actor);
    let professionalId: string | null;
    if (kind === 'org_admin' || kind === 'staff') {
      professionalId = query.professionalId ?? null;
    } else if (kind === 'professional') {
      // Another professional's caseload is none of their business; do not say whether it exists.
      if (query.professionalId && query.professionalId !== actor.userId) throw notFound();
      professionalId = actor.userId;
    } else {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        'Only professionals and organisation administrators have a caseload to list.',
      );
    }
    const now = this.clock.now();
    const statement = listClientsStatement(actor.tenantId, professionalId, query, now);
    let rows = await this.caseload.list(statement);
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && query.offset > 0) {
      // Past the last page: the total still tells the client where the pages end.
      const first = await this.caseload.list(
        listClientsStatement(actor.tenantId, professionalId, { ...query, offset: 0, limit: 1 }, now),
      );
      total = first.length ? Number(first[0].total) : 0;
      rows = [];
    }
    if (rows.length) {
      // One audit record per client shown, in one batch event per basis (a page is one read of many
      // entries): the organisation's for admins and staff, else the professional's own assignment or link.
      const basis = (row: ListRow) =>
        kind === 'org_admin'
          ? 'organisation_admin'
          : kind === 'staff'
            ? 'staff_grant'
            : row.relation === 'link'
              ? 'colleague_link'
              : 'caseload_assignment';
      await this.dataSource.transaction((manager) =>
        this.audit.succeededForMany(
          manager,
          { actor, action: 'caseload.read', resource: 'caseload.entry' },
          rows.map((row) => ({ subjectId: row.id, resourceId: row.id, basis: basis(row) })),
        ),
      );
    }
    return {
      items: rows.map((r: ListRow) => ({
        id: r.id,
        displayName: r.display_name,
        status: r.status,
        lastActivityAt: iso(r.last_activity_at),
        relation: r.relation,
        assignedAt: iso(r.since),
      })),
      total,
      limit: query.limit,
      offset: query.offset,
      sort: query.sort,
      order: statement.order,
    };
  }

  /** One client's entry: the client, their care team, open colleague links (and, for admins, history). */
  async get(actor: Actor, clientId: string) {
    const { client, standing, basis } = await this.authority.authorise(actor, clientId, 'read');
    const now = this.clock.now();
    const team = await this.caseload.careTeam(clientId, now);
    const showLinks = standing !== 'self';
    const links = showLinks ? await this.caseload.openLinks(clientId, now) : [];
    const history =
      standing === 'org_admin' || standing === 'staff'
        ? await this.caseload.assignmentHistory(clientId)
        : null;
    await this.dataSource.transaction((manager) =>
      this.audit.succeeded(manager, {
        actor,
        action: 'caseload.read',
        resource: 'caseload.entry',
        resourceId: clientId,
        subjectId: clientId,
        basis,
      }),
    );
    return {
      client: {
        id: client.id,
        displayName: client.displayName,
        status: client.status,
        lastActivityAt: iso(await this.activity.lastActivityOf(client.id)),
      },
      professionals: team.map((t) => ({
        id: t.id,
        displayName: t.display_name,
        relation: t.relation,
        since: iso(t.since),
        until: iso(t.until),
      })),
      ...(showLinks
        ? {
            links: links.map((l) => ({
              id: l.id,
              colleague: { id: l.professional_id, displayName: l.display_name },
              linkedBy: l.linked_by,
              validFrom: iso(l.valid_from),
              validUntil: iso(l.valid_until),
            })),
          }
        : {}),
      ...(history
        ? {
            history: history.map((h) => ({
              assignmentId: h.id,
              // null: the professional was erased; the client's history stays.
              professional: h.professional_id ? { id: h.professional_id, displayName: h.display_name } : null,
              assignedBy: h.assigned_by,
              assignedAt: iso(h.assigned_at),
              endedAt: iso(h.ended_at),
              endedBy: h.ended_by,
              endReason: h.end_reason,
            })),
          }
        : {}),
    };
  }

  /** A client's own care team: who their professionals are right now. */
  async myProfessionals(actor: Actor) {
    if (actorKind(actor) !== 'client') {
      throw new CaseloadException(CaseloadErrorCode.Forbidden, 'Only clients have professionals.');
    }
    const team = await this.caseload.careTeam(actor.userId, this.clock.now());
    await this.dataSource.transaction((manager) =>
      this.audit.succeeded(manager, {
        actor,
        action: 'caseload.read',
        resource: 'caseload.entry',
        resourceId: actor.userId,
        subjectId: actor.userId,
        basis: 'self',
      }),
    );
    return {
      items: team.map((t) => ({
        id: t.id,
        displayName: t.display_name,
        relation: t.relation,
        until: iso(t.until),
      })),
    };
  }

  /** The organisation's professionals and the size of each caseload (org admins, staff under a grant). */
  async professionals(actor: Actor) {
    const kind = actorKind(actor);
    if (kind !== 'org_admin' && kind !== 'staff') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        "Only the organisation's administrators see every caseload.",
      );
    }
    const rows = await this.caseload.professionals(actor.tenantId);
    return {
      items: rows.map((r) => ({
        id: r.id,
        displayName: r.display_name,
        status: r.status,
        clients: Number(r.clients),
      })),
    };
  }
}
