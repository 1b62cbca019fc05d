import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditedAccess, Clock, ValidationException } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { CaseloadErrorCode, CaseloadException, notFound } from '../common/caseload.exception';
import { CaseloadAuthority } from './caseload-authority.service';
import { CaseloadRepository } from './caseload.repository';
import { GrantEvents } from './grant-events';
import type { CreateLinkDto } from './dto/caseload.dto';

/** How far in the past a link may say it starts (clock differences between browser and server). */
const PAST_START_LEEWAY_MS = 5 * 60 * 1000;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** Colleague links: a colleague's time-boxed access to a client, granted by the client's assigned professional or an org admin. */
@Injectable()
export class LinksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly caseload: CaseloadRepository,
    private readonly people: PeopleDirectory,
    private readonly authority: CaseloadAuthority,
    private readonly grants: GrantEvents,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  /** Links a colleague to a client (the client's assigned professional or an org admin), optionally time-boxed. */
  async link(actor: Actor, clientId: string, dto: CreateLinkDto) {
    const { basis } = await this.authority.authorise(actor, clientId, 'link');
    const now = this.clock.now().getTime();
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
    this.authority.assertProfessional(colleague, 'colleagueId');
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
      await this.grants.granted(
        manager,
        actor.tenantId,
        'link',
        link.id,
        dto.colleagueId,
        clientId,
        validFrom,
        validUntil,
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'caseload.link',
        resource: 'caseload.link',
        resourceId: link.id,
        subjectId: clientId,
        basis,
      });
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
    const { basis } = await this.authority.authorise(actor, clientId, 'unlink');
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const link = await this.caseload.findOpenLink(manager, clientId, linkId, now);
      if (!link || !link.professionalId) throw notFound();
      await this.caseload.revokeLink(manager, link.id, actor.userId, now);
      await this.grants.revoked(
        manager,
        actor.tenantId,
        'link',
        link.id,
        link.professionalId,
        clientId,
        'removed',
      );
      await this.audit.succeeded(manager, {
        actor,
        action: 'caseload.unlink',
        resource: 'caseload.link',
        resourceId: link.id,
        subjectId: clientId,
        basis,
      });
    });
  }
}
