import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  type AuditAction,
  type CaseloadGrantKind,
} from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PLATFORM_CONFIG, ValidationException } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import type { CaseloadConfig } from '../caseload.config';
import { CaseloadErrorCode, CaseloadException, notFound } from '../common/caseload.exception';
import { PeopleDirectory, type Person } from '@therapy-room/people-directory';
import { ClientActivityRepository } from '../people/client-activity.repository';
import { CaseloadRepository, type ListRow } from './caseload.repository';
import { listClientsStatement } from './caseload.queries';
import { actorKind, auditRole } from '@therapy-room/auth';
import { may, type CaseloadOperation, type Standing } from './caseload-actor';
import type {
  CaseloadPage,
  CreateAssignmentDto,
  CreateLinkDto,
  ListClientsQuery,
  MoveClientDto,
} from './dto/caseload.dto';

/** How far in the past a link may say it starts (clock differences between browser and server). */
const PAST_START_LEEWAY_MS = 5 * 60 * 1000;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

const actionOf: Record<CaseloadOperation, AuditAction> = {
  read: 'caseload.read',
  link: 'caseload.link',
  unlink: 'caseload.unlink',
  move: 'caseload.move',
  unassign: 'caseload.unassign',
};

/**
 * Who may see and change which client's caseload entry. Every read of an entry is audited (one entry
 * per client, also in lists), every change publishes its grant or revocation through the outbox in
 * the same transaction, and refusals are audited too.
 */
@Injectable()
export class CaseloadService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly caseload: CaseloadRepository,
    private readonly people: PeopleDirectory,
    private readonly activity: ClientActivityRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
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
    const statement = listClientsStatement(actor.tenantId, professionalId, query);
    let rows = await this.caseload.list(statement);
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && query.offset > 0) {
      // Past the last page: the total still tells the client where the pages end.
      const first = await this.caseload.list(
        listClientsStatement(actor.tenantId, professionalId, { ...query, offset: 0, limit: 1 }),
      );
      total = first.length ? Number(first[0].total) : 0;
      rows = [];
    }
    if (rows.length) {
      // One audit record per client shown, in one batch event (a page is one read of many entries).
      const read = {
        action: 'caseload.read',
        outcome: 'success',
        actorId: actor.userId,
        actorRole: auditRole(actor),
        resource: 'caseload.entry',
      } as const;
      await this.dataSource.transaction((manager) =>
        this.audit.recordForMany(
          manager,
          read,
          actor.tenantId,
          rows.map((row) => ({ subjectId: row.id, resourceId: row.id })),
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
    const { client, standing } = await this.authorise(actor, clientId, 'read');
    const team = await this.caseload.careTeam(clientId);
    const showLinks = standing !== 'self';
    const links = showLinks ? await this.caseload.openLinks(clientId) : [];
    const history =
      standing === 'org_admin' || standing === 'staff'
        ? await this.caseload.assignmentHistory(clientId)
        : null;
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, this.entry(actor, 'caseload.read', 'success', 'caseload.entry', clientId), {
        tenantId: actor.tenantId,
        subjectId: clientId,
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
              professional: { id: h.professional_id, displayName: h.display_name },
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
    const team = await this.caseload.careTeam(actor.userId);
    await this.dataSource.transaction((manager) =>
      this.audit.record(
        manager,
        this.entry(actor, 'caseload.read', 'success', 'caseload.entry', actor.userId),
        { tenantId: actor.tenantId, subjectId: actor.userId },
      ),
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

  /**
   * Adds a client to a professional's caseload. Org admins: any client to any professional. A
   * professional: a client nobody has yet to their own caseload, or a client of their own caseload to
   * a colleague's as well (shared care).
   */
  async assign(actor: Actor, dto: CreateAssignmentDto) {
    const kind = actorKind(actor);
    if (kind !== 'org_admin' && kind !== 'professional') {
      throw new CaseloadException(
        CaseloadErrorCode.Forbidden,
        'Only professionals and organisation administrators add clients to a caseload.',
      );
    }
    const professional = await this.people.find(actor.tenantId, dto.professionalId);
    this.assertProfessional(professional, 'professionalId');
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.caseload.lockClient(manager, actor.tenantId, dto.clientId))) {
        throw await this.refuse(actor, 'caseload.assign', dto.clientId, false);
      }
      if (kind === 'professional') {
        const mine = await this.caseload.findActiveAssignment(manager, dto.clientId, actor.userId);
        const taken = await this.caseload.hasActiveAssignment(manager, dto.clientId);
        const allowed = dto.professionalId === actor.userId ? !taken || mine : mine;
        if (!allowed) {
          // A client in someone else's caseload: as if it did not exist.
          const linked = (await this.caseload.relation(actor.tenantId, dto.clientId, actor.userId)).linked;
          throw await this.refuse(actor, 'caseload.assign', dto.clientId, true, linked);
        }
      }
      if (await this.caseload.findActiveAssignment(manager, dto.clientId, dto.professionalId)) {
        throw new CaseloadException(
          CaseloadErrorCode.AlreadyAssigned,
          "The client is already in this professional's caseload.",
        );
      }
      const assignment = await this.caseload.insertAssignment(manager, {
        tenantId: actor.tenantId,
        clientId: dto.clientId,
        professionalId: dto.professionalId,
        assignedBy: actor.userId,
      });
      await this.granted(
        manager,
        actor.tenantId,
        'assignment',
        assignment.id,
        dto.professionalId,
        dto.clientId,
      );
      await this.audit.record(
        manager,
        this.entry(actor, 'caseload.assign', 'success', 'caseload.assignment', assignment.id),
        { tenantId: actor.tenantId, subjectId: dto.clientId },
      );
      return {
        id: assignment.id,
        clientId: assignment.clientId,
        professionalId: assignment.professionalId,
        assignedAt: iso(assignment.assignedAt),
      };
    });
  }

  /** Takes a client off a professional's caseload (org admins); the assignment stays in the history. */
  async unassign(actor: Actor, assignmentId: string): Promise<void> {
    const assignment = await this.caseload.findAssignment(
      this.dataSource.manager,
      actor.tenantId,
      assignmentId,
    );
    if (!assignment || assignment.endedAt) {
      throw await this.refuse(actor, 'caseload.unassign', assignment?.clientId ?? null, Boolean(assignment));
    }
    await this.authorise(actor, assignment.clientId, 'unassign');
    await this.dataSource.transaction(async (manager) => {
      await this.caseload.lockClient(manager, actor.tenantId, assignment.clientId);
      const current = await this.caseload.findAssignment(manager, actor.tenantId, assignmentId);
      if (!current || current.endedAt) throw notFound();
      await this.caseload.endAssignment(manager, assignment.id, actor.userId, 'removed');
      await this.revoked(
        manager,
        actor.tenantId,
        'assignment',
        assignment.id,
        assignment.professionalId,
        assignment.clientId,
        'removed',
      );
      await this.audit.record(
        manager,
        this.entry(actor, 'caseload.unassign', 'success', 'caseload.assignment', assignment.id),
        { tenantId: actor.tenantId, subjectId: assignment.clientId },
      );
    });
  }

  /** Moves a client from one professional to another (org admins), keeping the history. */
  async move(actor: Actor, clientId: string, dto: MoveClientDto) {
    await this.authorise(actor, clientId, 'move');
    const to = await this.people.find(actor.tenantId, dto.toProfessionalId);
    this.assertProfessional(to, 'toProfessionalId');
    return this.dataSource.transaction(async (manager) => {
      await this.caseload.lockClient(manager, actor.tenantId, clientId);
      const from = await this.caseload.findActiveAssignment(manager, clientId, dto.fromProfessionalId);
      if (!from) {
        throw new ValidationException([
          { path: 'fromProfessionalId', message: 'does not have this client in their caseload' },
        ]);
      }
      await this.caseload.endAssignment(manager, from.id, actor.userId, 'moved');
      await this.revoked(
        manager,
        actor.tenantId,
        'assignment',
        from.id,
        from.professionalId,
        clientId,
        'moved',
      );
      const existing = await this.caseload.findActiveAssignment(manager, clientId, dto.toProfessionalId);
      const assignment =
        existing ??
        (await this.caseload.insertAssignment(manager, {
          tenantId: actor.tenantId,
          clientId,
          professionalId: dto.toProfessionalId,
          assignedBy: actor.userId,
        }));
      if (!existing) {
        await this.granted(
          manager,
          actor.tenantId,
          'assignment',
          assignment.id,
          dto.toProfessionalId,
          clientId,
        );
      }
      await this.audit.record(
        manager,
        this.entry(actor, 'caseload.move', 'success', 'caseload.assignment', assignment.id),
        { tenantId: actor.tenantId, subjectId: clientId },
      );
      return { assignmentId: assignment.id, endedAssignmentId: from.id };
    });
  }

  /** Links a colleague to a client (the client's assigned professional or an org admin), optionally time-boxed. */
  async link(actor: Actor, clientId: string, dto: CreateLinkDto) {
    await this.authorise(actor, clientId, 'link');
    const now = Date.now();
    const validFrom = dto.validFrom ? new Date(dto.validFrom) : new Date(now);
    const validUntil = dto.validUntil ? new Date(dto.validUntil) : null;
    const errors = [];
    if (dto.colleagueId === actor.userId) errors.push({ path: 'colleagueId', message: 'cannot be yourself' });
    if (validFrom.getTime() < now - PAST_START_LEEWAY_MS) {
      errors.push({ path: 'validFrom', message: 'must not be in the past' });
    }
    if (validUntil && validUntil.getTime() <= now) {
      errors.push({ path: 'validUntil', message: 'must be in the future' });
    }
    if (errors.length) throw new ValidationException(errors);
    const colleague = await this.people.find(actor.tenantId, dto.colleagueId);
    this.assertProfessional(colleague, 'colleagueId');
    return this.dataSource.transaction(async (manager) => {
      await this.caseload.lockClient(manager, actor.tenantId, clientId);
      if (await this.caseload.findActiveAssignment(manager, clientId, dto.colleagueId)) {
        throw new CaseloadException(
          CaseloadErrorCode.AlreadyAssigned,
          'The colleague already has this client in their caseload; a link would add nothing.',
        );
      }
      const link = await this.caseload.insertLink(manager, {
        tenantId: actor.tenantId,
        clientId,
        professionalId: dto.colleagueId,
        linkedBy: actor.userId,
        validFrom,
        validUntil,
      });
      await this.granted(
        manager,
        actor.tenantId,
        'link',
        link.id,
        dto.colleagueId,
        clientId,
        validFrom,
        validUntil,
      );
      await this.audit.record(
        manager,
        this.entry(actor, 'caseload.link', 'success', 'caseload.link', link.id),
        {
          tenantId: actor.tenantId,
          subjectId: clientId,
        },
      );
      return {
        id: link.id,
        clientId,
        colleagueId: dto.colleagueId,
        validFrom: iso(link.validFrom),
        validUntil: iso(link.validUntil),
      };
    });
  }

  /** Ends a colleague link before its end date. */
  async unlink(actor: Actor, clientId: string, linkId: string): Promise<void> {
    await this.authorise(actor, clientId, 'unlink');
    await this.dataSource.transaction(async (manager) => {
      const link = await this.caseload.findOpenLink(manager, clientId, linkId);
      if (!link) throw notFound();
      await this.caseload.revokeLink(manager, link.id, actor.userId);
      await this.revoked(manager, actor.tenantId, 'link', link.id, link.professionalId, clientId, 'removed');
      await this.audit.record(
        manager,
        this.entry(actor, 'caseload.unlink', 'success', 'caseload.link', link.id),
        {
          tenantId: actor.tenantId,
          subjectId: clientId,
        },
      );
    });
  }

  /**
   * The actor's standing towards the client, or the refusal: 404 when the actor may not know the
   * client exists (another organisation, not in their caseload, another client), 403 when they may
   * see the client but not do this. Refusals are audited.
   */
  private async authorise(
    actor: Actor,
    clientId: string,
    operation: CaseloadOperation,
  ): Promise<{ client: Person; standing: Standing }> {
    const client = await this.people.find(actor.tenantId, clientId);
    const action = actionOf[operation];
    if (!client || client.role !== 'client') throw await this.refuse(actor, action, clientId, false);
    let standing: Standing | null = null;
    const kind = actorKind(actor);
    if (kind === 'org_admin' || kind === 'staff') standing = kind;
    else if (kind === 'client') standing = actor.userId === clientId ? 'self' : null;
    else if (kind === 'professional') {
      const relation = await this.caseload.relation(actor.tenantId, clientId, actor.userId);
      standing = relation.assigned ? 'assigned' : relation.linked ? 'linked' : null;
    }
    if (!standing) throw await this.refuse(actor, action, clientId, true);
    if (!may(operation, standing)) throw await this.refuse(actor, action, clientId, true, true);
    return { client, standing };
  }

  /** Records the refusal (its own transaction: nothing else is written) and returns the error to throw. */
  private async refuse(
    actor: Actor,
    action: AuditAction,
    clientId: string | null,
    clientExists: boolean,
    visible = false,
  ): Promise<CaseloadException> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, this.entry(actor, action, 'failure', 'caseload.entry', clientId), {
        tenantId: actor.tenantId,
        subjectId: clientExists ? clientId : null,
      }),
    );
    return visible
      ? new CaseloadException(CaseloadErrorCode.Forbidden, 'You may see this client but not do this.')
      : notFound();
  }

  private assertProfessional(person: Person | null, field: string): void {
    if (!person || person.role !== 'professional') {
      throw new ValidationException([{ path: field, message: 'is not a professional of your organisation' }]);
    }
    if (person.status !== 'active') {
      throw new ValidationException([{ path: field, message: 'is deactivated' }]);
    }
  }

  private entry(
    actor: Actor,
    action: AuditAction,
    outcome: 'success' | 'failure',
    resource: string,
    resourceId: string | null,
  ) {
    return { action, outcome, actorId: actor.userId, actorRole: auditRole(actor), resource, resourceId };
  }

  private async granted(
    manager: EntityManager,
    tenantId: string,
    kind: CaseloadGrantKind,
    grantId: string,
    professionalId: string,
    clientId: string,
    validFrom: Date | null = null,
    validUntil: Date | null = null,
  ): Promise<void> {
    await this.outbox.add(
      manager,
      caseloadAssignmentGrantedV1,
      { grantId, kind, professionalId, clientId, validFrom: iso(validFrom), validUntil: iso(validUntil) },
      { tenantId, subjectId: clientId },
    );
  }

  async revoked(
    manager: EntityManager,
    tenantId: string,
    kind: CaseloadGrantKind,
    grantId: string,
    professionalId: string,
    clientId: string,
    reason: 'removed' | 'moved' | 'erased',
  ): Promise<void> {
    await this.outbox.add(
      manager,
      caseloadAssignmentRevokedV1,
      { grantId, kind, professionalId, clientId, reason },
      { tenantId, subjectId: clientId },
    );
  }
}
