import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import type { ErasureCounts } from '@therapy-room/contracts';
import { AuditedAccess, PermanentEventError } from '@therapy-room/platform';
import type { SubjectRequest, SubjectRightsParticipant } from '@therapy-room/data-protection';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { ExportService } from '../export/export.service';

/**
 * Messaging's part of the erasure and export sagas (libs/data-protection runs both in the request's
 * inbox transaction, shreds the client's data key and confirms). The request names its organisation:
 * a subject messaging knows in another organisation is refused (dead-letter queue with the reason)
 * and nothing is touched. Erasure deletes, for a client, every conversation of theirs with its
 * messages and read state; for anyone, their notification preference, presence, person row and grants
 * in messaging's copy of caseload's (ended ones too). A
 * professional's messages are part of their clients' records and stay with them (sealed with the
 * client's key); the professional's name is gone with the person row.
 */
@Injectable()
export class ErasureService implements SubjectRightsParticipant {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly people: PeopleDirectory,
    private readonly exports: ExportService,
    private readonly audit: AuditedAccess,
    private readonly caseload: CaseloadAccess,
  ) {}

  async erase({ tenantId, subjectId }: SubjectRequest, manager: EntityManager): Promise<ErasureCounts> {
    const tenantOf = await this.people.tenantOf(subjectId, manager);
    if (
      (tenantOf && tenantOf !== tenantId) ||
      (await this.conversations.inOtherTenant(manager, tenantId, subjectId))
    ) {
      throw new PermanentEventError("the erasure request's subject belongs to another organisation");
    }
    const known = await this.people.find(tenantId, subjectId, manager);
    const messages = await this.conversations.countMessagesOfClient(manager, tenantId, subjectId);
    const conversations = await this.conversations.deleteConversationsOfClient(manager, tenantId, subjectId);
    const preferences = await this.notifications.deleteOf(manager, subjectId);
    const people = (await this.people.erase(manager, subjectId)) ? 1 : 0;
    // Messaging's copy of caseload's grants, ended ones too (as client or as professional).
    const grants = await this.caseload.erase(manager, tenantId, subjectId);
    if (known || conversations || grants) {
      await this.audit.succeeded(manager, {
        actor: null,
        action: 'messaging.erase',
        resource: 'messaging.subject',
        resourceId: subjectId,
        subjectId,
        tenantId,
        basis: 'system',
      });
    }
    return {
      conversations,
      messages,
      notification_preferences: preferences,
      people,
      caseload_access_grant: grants,
    };
  }

  export(request: SubjectRequest, manager: EntityManager): Promise<Record<string, unknown>> {
    return this.exports.collect(request, manager);
  }
}
