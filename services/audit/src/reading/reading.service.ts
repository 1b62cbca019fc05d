import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditAction } from '@therapy-room/contracts';
import { AuditEmitter, PLATFORM_CONFIG } from '@therapy-room/platform';
import { actorKind, auditRole, type Actor } from '@therapy-room/auth';
import type { AuditConfig } from '../audit.config';
import { forbidden } from '../common/audit.exception';
import { Pseudonyms } from '../log/pseudonyms';
import type { ContactHistoryQuery, ExportQuery, SearchQuery } from './dto/reading.dto';
import { LogRepository, type LogFilter, type LogRow } from './log.repository';
import { toCsv } from './csv';
import { OUTSIDE_CARE_TEAM_BASES } from '../notices/outside-access-notices';

/** How staff are named to a client: the organisation's platform provider, never a person. */
export const PLATFORM_SUPPORT = 'platform support';
/** The most records one CSV export holds (narrow the period for more). */
export const EXPORT_MAX_ROWS = 100_000;

/**
 * Reading the log: a client's contact history (who accessed their record), and org admins' search and
 * CSV export of their organisation's log. Every read is itself audited (audit.read / audit.export), in
 * the read's transaction. Org admins always hold a second factor: identity makes TOTP mandatory for them
 * and never lets them in by single sign-on, so any org admin session has passed one.
 */
@Injectable()
export class ReadingService {
  readonly maxPageSize: number;

  constructor(
    @Inject(PLATFORM_CONFIG) config: AuditConfig,
    private readonly dataSource: DataSource,
    private readonly log: LogRepository,
    private readonly pseudonyms: Pseudonyms,
    private readonly audit: AuditEmitter,
  ) {
    this.maxPageSize = config.AUDIT_MAX_PAGE_SIZE;
  }

  async contactHistory(actor: Actor, q: ContactHistoryQuery) {
    if (actorKind(actor) !== 'client')
      throw forbidden('The contact history is shown to the client themself.');
    return this.dataSource.transaction(async (manager) => {
      const self = this.pseudonyms.of(actor.tenantId, actor.userId);
      const rows = await this.log.contactHistory(manager, actor.tenantId, self, q);
      const names = await this.names(manager, actor.tenantId, rows);
      await this.audited(manager, actor, 'audit.read', 'audit.contact_history', actor.userId);
      return {
        items: rows.map((r) => {
          const staff = r.actor_role === 'platform_staff';
          const person = staff || r.actor_ps === null ? undefined : names.get(r.actor_ps);
          return {
            at: r.occurred_at.toISOString(),
            action: r.action,
            data: r.object_type,
            sensitivity: r.sensitivity,
            basis: r.basis,
            outsideCareTeam: OUTSIDE_CARE_TEAM_BASES.has(r.basis ?? ''),
            by: staff
              ? { name: PLATFORM_SUPPORT, role: 'platform_staff' }
              : { name: person?.displayName ?? null, role: person?.role ?? r.actor_role },
          };
        }),
        nextBefore: rows.length === q.limit ? Number(rows[rows.length - 1].position) : null,
      };
    });
  }

  async search(actor: Actor, q: SearchQuery) {
    this.requireOrgAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.log.search(manager, actor.tenantId, this.filter(actor, q), q);
      const items = await this.present(manager, actor.tenantId, rows);
      await this.audited(manager, actor, 'audit.read', 'audit.log', q.clientId ?? null);
      return { items, limit: q.limit, offset: q.offset };
    });
  }

  async exportCsv(actor: Actor, q: ExportQuery): Promise<string> {
    this.requireOrgAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const rows = await this.log.search(manager, actor.tenantId, this.filter(actor, q), {
        limit: EXPORT_MAX_ROWS,
        offset: 0,
      });
      const items = await this.present(manager, actor.tenantId, rows);
      await this.audited(manager, actor, 'audit.export', 'audit.log', q.clientId ?? null);
      return toCsv(items);
    });
  }

  private requireOrgAdmin(actor: Actor) {
    if (actorKind(actor) !== 'org_admin')
      throw forbidden("The organisation's audit log is read by org admins.");
  }

  private filter(actor: Actor, q: ExportQuery): LogFilter {
    return {
      subjectPs: q.clientId ? this.pseudonyms.of(actor.tenantId, q.clientId) : undefined,
      actorPs: q.userId ? this.pseudonyms.of(actor.tenantId, q.userId) : undefined,
      action: q.action,
      outcome: q.outcome,
      from: q.from,
      to: q.to,
    };
  }

  /** The NEN 7513 fields, with people named by id where the log still knows them (not after erasure). */
  private async present(manager: EntityManager, tenantId: string, rows: LogRow[]) {
    const ids = await this.pseudonyms.resolve(
      manager,
      tenantId,
      rows.flatMap((r) =>
        [r.actor_ps, r.subject_ps, r.responsible_ps].filter((p): p is string => p !== null),
      ),
    );
    const person = (p: string | null) => (p === null ? null : (ids.get(p) ?? null));
    return rows.map((r) => ({
      position: Number(r.position),
      occurredAt: r.occurred_at.toISOString(),
      action: r.action,
      outcome: r.outcome,
      reason: r.reason,
      actorId: person(r.actor_ps),
      actorRole: r.actor_role,
      responsibleUserId: person(r.responsible_ps),
      grantId: r.grant_id,
      subjectId: person(r.subject_ps),
      objectType: r.object_type,
      objectId: r.object_id !== null && ids.has(r.object_id) ? ids.get(r.object_id)! : r.object_id,
      sensitivity: r.sensitivity,
      basis: r.basis,
      sourceService: r.source_service,
      sourceAddress: r.source_address,
      requestId: r.request_id,
    }));
  }

  private async names(manager: EntityManager, tenantId: string, rows: LogRow[]) {
    const ids = await this.pseudonyms.resolve(
      manager,
      tenantId,
      rows.flatMap((r) => (r.actor_ps ? [r.actor_ps] : [])),
    );
    const people = await this.log.people(manager, tenantId, [...new Set(ids.values())]);
    const byPs = new Map<string, { displayName: string | null; role: string | null }>();
    for (const [ps, id] of ids) {
      const p = people.get(id);
      if (p) byPs.set(ps, p);
    }
    return byPs;
  }

  private audited(
    manager: EntityManager,
    actor: Actor,
    action: AuditAction,
    resource: string,
    subjectId: string | null,
  ) {
    return this.audit.record(
      manager,
      {
        action,
        outcome: 'success',
        actorId: actor.userId,
        actorRole: auditRole(actor),
        resource,
        resourceId: null,
        basis: subjectId === actor.userId ? 'self' : 'organisation_admin',
        sourceService: 'audit',
      },
      { tenantId: actor.tenantId, subjectId },
    );
  }
}
