import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditBasis } from '@therapy-room/contracts';
import { actorKind, type Actor } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { forbidden, notFound } from '../common/retention.exception';

/**
 * Whose data an actor may ask about: a client only their own; a professional a client in their caseload
 * (assignment or colleague link, from the caseload read model); an org admin any client of the
 * organisation. Anyone else is refused; a client the actor may not know is 404 (never a hint).
 */
@Injectable()
export class ClientAccess {
  constructor(
    private readonly caseload: CaseloadAccess,
    private readonly people: PeopleDirectory,
  ) {}

  async subjectFor(
    actor: Actor,
    clientId: string | undefined,
    manager?: EntityManager,
  ): Promise<{ subjectId: string; basis: AuditBasis }> {
    switch (actorKind(actor)) {
      case 'client':
        if (clientId !== undefined && clientId !== actor.userId) throw notFound();
        return { subjectId: actor.userId, basis: 'self' };
      case 'professional': {
        if (!clientId) throw notFound();
        if (!(await this.caseload.canAccess(actor.userId, clientId, undefined, actor.tenantId)))
          throw notFound();
        return { subjectId: clientId, basis: 'caseload_assignment' };
      }
      case 'org_admin': {
        if (!clientId) throw notFound();
        await this.knownClient(actor.tenantId, clientId, manager);
        return { subjectId: clientId, basis: 'organisation_admin' };
      }
      default:
        throw forbidden('Only clients, their professionals and org admins ask for erasure or export.');
    }
  }

  /** The client belongs to the organisation (else 404). */
  async knownClient(tenantId: string, clientId: string, manager?: EntityManager): Promise<void> {
    const person = await this.people.find(tenantId, clientId, manager);
    if (!person || person.role !== 'client') throw notFound();
  }
}
