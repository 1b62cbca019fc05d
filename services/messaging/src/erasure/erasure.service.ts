import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  messagingErasureCompletedV1,
  type MessageOf,
  type retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PermanentEventError } from '@therapy-room/platform';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { PeopleDirectory } from '@therapy-room/people-directory';

/**
 * Messaging's part of the erasure saga, in the inbox transaction of the request. The request names its
 * organisation: a subject messaging knows in another organisation is refused (dead-letter queue with
 * the reason) and nothing is touched. For a client: every
 * conversation of theirs with its messages and read state, and their data key (crypto-shredding: a
 * copy of a sealed body in a backup no longer opens). For anyone: their notification preference,
 * presence and person row, keeping only the bare id so a late identity event cannot bring them back.
 * A professional's messages are part of their clients' records and stay with them (sealed with the
 * client's key); the professional's name is gone with the person row. Confirmed even when messaging
 * held nothing.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly people: PeopleDirectory,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const subjectId = event.subjectId;
    if (!subjectId) throw new PermanentEventError('an erasure request needs a subjectId');
    const tenantOf = await this.people.tenantOf(subjectId, manager);
    if (
      (tenantOf && tenantOf !== event.tenantId) ||
      (await this.conversations.inOtherTenant(manager, event.tenantId, subjectId))
    ) {
      throw new PermanentEventError("the erasure request's subject belongs to another organisation");
    }
    const known = await this.people.find(event.tenantId, subjectId, manager);
    const conversations = await this.conversations.deleteConversationsOfClient(
      manager,
      event.tenantId,
      subjectId,
    );
    const shredded = await this.cipher.shred(manager, subjectId);
    await this.notifications.deleteOf(manager, subjectId);
    await this.people.erase(manager, subjectId);
    if (known || conversations || shredded) {
      await this.audit.record(
        manager,
        {
          action: 'messaging.erase',
          outcome: 'success',
          actorId: null,
          actorRole: null,
          resource: 'messaging.subject',
          resourceId: subjectId,
        },
        { tenantId: event.tenantId, subjectId },
      );
    }
    await this.outbox.add(
      manager,
      messagingErasureCompletedV1,
      { requestId: event.payload.requestId },
      { tenantId: event.tenantId, subjectId },
    );
  }
}
