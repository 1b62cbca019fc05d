import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCounts } from '@therapy-room/contracts';
import type { SubjectRequest, SubjectRightsParticipant } from '@therapy-room/data-protection';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { AuditLogWriter } from '../log/audit-log.writer';
import { Pseudonyms } from '../log/pseudonyms';

/**
 * Audit's part of the erasure saga (libs/data-protection runs it in the request's inbox transaction
 * and confirms): the subject's pseudonym → id mapping and their directory entry go; the records and
 * their hash chain stay, naming nobody (NEN 7513 asks the log to be kept; the GDPR asks the person to
 * be gone). The erasure itself is a record of the log (by pseudonym) when the log named the subject.
 */
@Injectable()
export class ErasureService implements SubjectRightsParticipant {
  constructor(
    private readonly pseudonyms: Pseudonyms,
    private readonly people: PeopleDirectory,
    private readonly writer: AuditLogWriter,
  ) {}

  async erase(request: SubjectRequest, manager: EntityManager): Promise<ErasureCounts> {
    const { tenantId, subjectId, requestId, eventId, requestedAt } = request;
    const named = await this.pseudonyms.erase(manager, tenantId, subjectId);
    const people = (await this.people.erase(manager, subjectId)) ? 1 : 0;
    if (named) {
      await this.writer.append(
        manager,
        tenantId,
        [
          {
            occurredAt: requestedAt,
            eventId,
            action: 'audit.erase',
            outcome: 'success',
            reason: null,
            actorPs: null,
            actorRole: null,
            responsiblePs: null,
            grantId: null,
            subjectPs: this.pseudonyms.of(tenantId, subjectId),
            objectType: 'audit.subject',
            objectId: null,
            sensitivity: 'personal',
            basis: 'system',
            sourceService: 'audit',
            sourceAddress: '::',
            requestId,
          },
        ],
        new Map(),
      );
    }
    return { pseudonym_mappings: named ? 1 : 0, people };
  }
}
