import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  caseloadErasureCompletedV1,
  type MessageOf,
  type retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PermanentEventError } from '@therapy-room/platform';
import { CaseloadRepository } from '../caseload/caseload.repository';
import { CaseloadService } from '../caseload/caseload.service';
import { PeopleDirectory } from '@therapy-room/people-directory';

/**
 * Caseload's part of the erasure saga, in the inbox transaction of the request: every grant still in
 * force that involves the subject (as client or as professional) is revoked by event, so the read
 * models of other services drop it; then the subject's person row goes, and with it (cascade) every
 * assignment, historical or not, and every link. Only the bare id is kept, so a late identity event
 * cannot bring the person back. Confirmed even when caseload held nothing.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly caseload: CaseloadRepository,
    private readonly grants: CaseloadService,
    private readonly people: PeopleDirectory,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const subjectId = event.subjectId;
    if (!subjectId) throw new PermanentEventError('an erasure request needs a subjectId');
    const person = await this.people.find(event.tenantId, subjectId, manager);
    if (person) {
      for (const grant of await this.caseload.openGrantsOf(manager, subjectId)) {
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
