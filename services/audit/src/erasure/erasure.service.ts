import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  auditErasureCompletedV1,
  type MessageOf,
  type retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { OutboxService, PermanentEventError } from '@therapy-room/platform';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { AuditLogWriter } from '../log/audit-log.writer';
import { Pseudonyms } from '../log/pseudonyms';

/**
 * Audit's part of the erasure saga, in the inbox transaction of the request: the subject's pseudonym →
 * id mapping and their directory entry go; the records and their hash chain stay, naming nobody (NEN
 * 7513 asks the log to be kept; the GDPR asks the person to be gone). The erasure itself is a record
 * of the log (by pseudonym). Confirmed even when the log never named the subject.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly pseudonyms: Pseudonyms,
    private readonly people: PeopleDirectory,
    private readonly writer: AuditLogWriter,
    private readonly outbox: OutboxService,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const subjectId = event.subjectId;
    if (!subjectId) throw new PermanentEventError('an erasure request needs a subjectId');
    const named = await this.pseudonyms.erase(manager, event.tenantId, subjectId);
    await this.people.erase(manager, subjectId);
    if (named) {
      await this.writer.append(
        manager,
        event.tenantId,
        [
          {
            occurredAt: new Date(event.occurredAt),
            eventId: event.id.toLowerCase(),
            action: 'audit.erase',
            outcome: 'success',
            reason: null,
            actorPs: null,
            actorRole: null,
            responsiblePs: null,
            grantId: null,
            subjectPs: this.pseudonyms.of(event.tenantId, subjectId),
            objectType: 'audit.subject',
            objectId: null,
            sensitivity: 'personal',
            basis: 'system',
            sourceService: 'audit',
            sourceAddress: '::',
            requestId: event.payload.requestId,
          },
        ],
        new Map(),
      );
    }
    await this.outbox.add(
      manager,
      auditErasureCompletedV1,
      { requestId: event.payload.requestId },
      { tenantId: event.tenantId, subjectId },
    );
  }
}
