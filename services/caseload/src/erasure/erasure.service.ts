import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCounts } from '@therapy-room/contracts';
import { AuditedAccess, Clock, PermanentEventError } from '@therapy-room/platform';
import type { SubjectRequest, SubjectRightsParticipant } from '@therapy-room/data-protection';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { CaseloadRepository } from '../caseload/caseload.repository';
import { GrantEvents } from '../caseload/grant-events';

/**
 * Caseload's part of the erasure saga (libs/data-protection runs it in the request's inbox transaction
 * and confirms). The request names its organisation: a subject of another organisation is refused
 * (dead-letter queue with the reason) and nothing is touched. Every grant still in force that involves
 * the subject (as client, as professional, or links they granted) is ended and revoked by event, so
 * the read models of other services drop it. A client's person row goes, and with it (cascade) their
 * assignments and links. A professional's person row goes too, but their clients' history stays: the
 * rows remain with the professional's reference and every "by" of theirs nulled. Only the bare id is
 * kept (also for a subject caseload never heard of), so a late identity event cannot bring the person
 * back.
 */
@Injectable()
export class ErasureService implements SubjectRightsParticipant {
  constructor(
    private readonly caseload: CaseloadRepository,
    private readonly grants: GrantEvents,
    private readonly people: PeopleDirectory,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  async erase({ tenantId, subjectId }: SubjectRequest, manager: EntityManager): Promise<ErasureCounts> {
    const tenantOf = await this.people.tenantOf(subjectId, manager);
    if (tenantOf && tenantOf !== tenantId) {
      throw new PermanentEventError("the erasure request's subject belongs to another organisation");
    }
    const person = tenantOf ? await this.people.find(tenantId, subjectId, manager) : null;
    let grantsEnded = 0;
    if (person) {
      const now = this.clock.now();
      for (const grant of await this.caseload.openGrantsOf(manager, tenantId, subjectId, now)) {
        await this.grants.revoked(
          manager,
          tenantId,
          grant.kind,
          grant.id,
          grant.professionalId,
          grant.clientId,
          'erased',
        );
        grantsEnded += 1;
      }
      await this.caseload.endAllOf(manager, tenantId, subjectId, now);
      await this.caseload.forgetPerson(manager, tenantId, subjectId);
    }
    const people = (await this.people.erase(manager, subjectId)) ? 1 : 0;
    if (person) {
      await this.audit.succeeded(manager, {
        actor: null,
        action: 'caseload.erase',
        resource: 'caseload.entry',
        resourceId: subjectId,
        subjectId,
        tenantId,
        basis: 'system',
      });
    }
    return { people, grants_ended: grantsEnded };
  }
}
