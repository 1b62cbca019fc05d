import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  caseloadErasureCompletedV1,
  type MessageOf,
  type retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { AuditEmitter, Clock, OutboxService, PermanentEventError } from '@therapy-room/platform';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { CaseloadRepository } from '../caseload/caseload.repository';
import { GrantEvents } from '../caseload/grant-events';

/**
 * Caseload's part of the erasure saga, in the inbox transaction of the request. The request names its
 * organisation: a subject of another organisation is refused (dead-letter queue with the reason) and
 * nothing is touched. Every grant still in force that involves the subject (as client, as
 * professional, or links they granted) is ended and revoked by event, so the read models of other
 * services drop it. A client's person row goes, and with it (cascade) their assignments and links. A
 * professional's person row goes too, but their clients' history stays: the rows remain with the
 * professional's reference and every "by" of theirs nulled. Only the bare id is kept, so a late
 * identity event cannot bring the person back. Confirmed even when caseload held nothing.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly caseload: CaseloadRepository,
    private readonly grants: GrantEvents,
    private readonly people: PeopleDirectory,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const subjectId = event.subjectId;
    if (!subjectId) throw new PermanentEventError('an erasure request needs a subjectId');
    const tenantOf = await this.people.tenantOf(subjectId, manager);
    if (tenantOf && tenantOf !== event.tenantId) {
      throw new PermanentEventError("the erasure request's subject belongs to another organisation");
    }
    const person = tenantOf ? await this.people.find(event.tenantId, subjectId, manager) : null;
    if (person) {
      const now = this.clock.now();
      for (const grant of await this.caseload.openGrantsOf(manager, event.tenantId, subjectId, now)) {
        await this.grants.revoked(
          manager,
          event.tenantId,
          grant.kind,
          grant.id,
          grant.professionalId,
          grant.clientId,
          'erased',
        );
      }
      await this.caseload.endAllOf(manager, event.tenantId, subjectId, now);
      await this.caseload.forgetPerson(manager, event.tenantId, subjectId);
    }
    // Also for a subject caseload never heard of: an identity event still on its way must not recreate it.
    await this.people.erase(manager, subjectId);
    if (person) {
      await this.audit.record(
        manager,
        {
          action: 'caseload.erase',
          outcome: 'success',
          actorId: null,
          actorRole: null,
          resource: 'caseload.entry',
          resourceId: subjectId,
        },
        { tenantId: event.tenantId, subjectId },
      );
    }
    await this.outbox.add(
      manager,
      caseloadErasureCompletedV1,
      { requestId: event.payload.requestId },
      { tenantId: event.tenantId, subjectId },
    );
  }
}
