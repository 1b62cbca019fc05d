import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { messagingMessageReadV1 } from '@therapy-room/contracts';
import { AuditedAccess, Clock, OutboxService, ValidationException } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { ConversationAccessService, conversationAccessed } from './conversation-access.service';
import { ConversationsRepository, type Conversation, type StoredMessage } from './conversations.repository';
import { bodyField, iso } from './message-body-field';
import { counterpartOf } from './policies/conversation-access';
import type { ListMessagesQuery, MarkReadDto, MessageView } from './dto/conversations.dto';

/** Reading a conversation's messages (bodies opened for the reader, audited) and moving the read marker. */
@Injectable()
export class MessageReadingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationAccessService,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
    private readonly clock: Clock,
  ) {}

  /** A page of messages (newest, before or after a message), bodies opened for this reader. */
  async messages(actor: Actor, conversationId: string, query: ListMessagesQuery) {
    const { conversation, basis } = await this.access.authorise(
      actor,
      conversationId,
      'messaging.read',
      'read',
    );
    const cursor: { before?: string; after?: string } = {};
    for (const key of ['before', 'after'] as const) {
      const messageId = query[key];
      if (!messageId) continue;
      const seq = await this.conversations.seqOf(conversation.id, messageId);
      if (!seq)
        throw new ValidationException([{ path: key, message: 'is not a message of this conversation' }]);
      cursor[key] = seq;
    }
    const { messages, more } = await this.conversations.page(conversation.id, cursor, query.limit);
    const counterpart = await this.conversations.participant(
      this.dataSource.manager,
      conversation.id,
      counterpartOf(conversation, actor.userId),
    );
    const items = await Promise.all(
      messages.map((m) => this.messageView(actor, conversation, m, counterpart?.lastReadSeq ?? '0')),
    );
    await this.dataSource.transaction(async (manager) => {
      await this.conversations.seen(conversation.id, actor.userId, this.clock.now(), manager);
      await this.audit.succeeded(manager, conversationAccessed(actor, 'messaging.read', conversation, basis));
    });
    return {
      items,
      /** Page back with ?before=<this>; null at the start of the conversation. */
      before: !query.after && more && items.length ? items[0].id : null,
      /** Whether more messages follow (only when paging forward with ?after). */
      more: query.after ? more : undefined,
    };
  }

  /** Moves the actor's read marker forward to a message (default: the newest). */
  async markRead(actor: Actor, conversationId: string, dto: MarkReadDto) {
    const { conversation, basis } = await this.access.authorise(
      actor,
      conversationId,
      'messaging.mark_read',
      'read',
    );
    return this.dataSource.transaction(async (manager) => {
      let target: { id: string; seq: string } | null;
      if (dto.upToMessageId) {
        const seq = await this.conversations.seqOf(conversation.id, dto.upToMessageId, manager);
        if (!seq) {
          throw new ValidationException([
            { path: 'upToMessageId', message: 'is not a message of this conversation' },
          ]);
        }
        target = { id: dto.upToMessageId, seq };
      } else {
        target = await this.conversations.latest(manager, conversation.id);
      }
      let lastReadMessageId: string | null = null;
      if (target) {
        const marker = await this.conversations.markRead(
          manager,
          conversation.id,
          actor.userId,
          target.seq,
          this.clock.now(),
        );
        if (marker && BigInt(marker.after) > BigInt(marker.before)) {
          const scope = { tenantId: conversation.tenantId, subjectId: conversation.clientId };
          await this.outbox.add(
            manager,
            messagingMessageReadV1,
            {
              conversationId: conversation.id,
              clientId: conversation.clientId,
              professionalId: conversation.professionalId,
              readerId: actor.userId,
              upToMessageId: target.id,
            },
            scope,
          );
          await this.audit.succeeded(
            manager,
            conversationAccessed(actor, 'messaging.mark_read', conversation, basis),
          );
        }
        lastReadMessageId = marker
          ? await this.conversations.idAtSeq(manager, conversation.id, marker.after)
          : null;
      }
      return {
        conversationId: conversation.id,
        lastReadMessageId,
        unreadCount: await this.conversations.unreadIn(conversation.id, actor.userId, manager),
      };
    });
  }

  private async messageView(
    actor: Actor,
    conversation: Conversation,
    m: StoredMessage,
    counterpartReadSeq: string,
  ): Promise<MessageView> {
    const mine = m.senderId === actor.userId;
    return {
      id: m.id,
      ...(mine ? { clientMessageId: m.clientMessageId } : {}),
      senderId: m.senderId,
      mine,
      body: await this.cipher.decrypt(conversation.clientId, bodyField(m.id), m.bodySealed),
      sentAt: iso(m.sentAt)!,
      ...(mine ? { readByCounterpart: BigInt(counterpartReadSeq) >= BigInt(m.seq) } : {}),
    };
  }
}
