import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { messagingMessageSentV1 } from '@therapy-room/contracts';
import {
  AuditedAccess,
  Clock,
  OutboxService,
  PLATFORM_CONFIG,
  ValidationException,
} from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import type { MessagingConfig } from '../messaging.config';
import { MessagingErrorCode, MessagingException } from '../common/messaging.exception';
import { NoticesService } from '../notifications/notices.service';
import { ConversationAccessService, conversationAccessed } from './conversation-access.service';
import { ConversationsRepository, type Conversation, type StoredMessage } from './conversations.repository';
import { bodyField, iso } from './message-body-field';
import { counterpartOf } from './policies/conversation-access';
import { checkMessageBody } from './policies/message-body';
import type { MessageView, SendMessageDto } from './dto/conversations.dto';

/**
 * Sending a message: idempotent by the sender's client-generated id, the body sealed with the client's
 * data key, the event (ids only), the notice decision and the audit entry in the message's transaction.
 */
@Injectable()
export class MessageSendingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationAccessService,
    private readonly notices: NoticesService,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
    @Inject(PLATFORM_CONFIG) private readonly config: MessagingConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends a message. A retry (same id, same text) answers the stored message (created: false); the
   * same id with another text or in another conversation is a 409. Nothing is stored for a bad body
   * or a refused conversation.
   */
  async send(
    actor: Actor,
    conversationId: string,
    dto: SendMessageDto,
  ): Promise<{ created: boolean; message: MessageView }> {
    const checked = checkMessageBody(dto.body, this.config.MESSAGING_MAX_BODY_CHARS);
    if (!checked.ok) throw new ValidationException(checked.errors);
    const { conversation, basis } = await this.access.authorise(
      actor,
      conversationId,
      'messaging.send',
      'write',
    );
    const recipientId = counterpartOf(conversation, actor.userId);
    return this.dataSource.transaction(async (manager) => {
      const earlier = await this.conversations.lockForSend(manager, conversation.id, actor.userId, dto.id);
      if (earlier)
        return {
          created: false,
          message: await this.replay(actor, conversation, earlier, checked.body, manager),
        };
      const messageId = uuidv7();
      const sealed = await this.cipher.encrypt(
        manager,
        { tenantId: conversation.tenantId, subjectId: conversation.clientId },
        bodyField(messageId),
        checked.body,
      );
      const stored = await this.conversations.insertMessage(manager, {
        id: messageId,
        conversationId: conversation.id,
        tenantId: conversation.tenantId,
        senderId: actor.userId,
        clientMessageId: dto.id,
        bodySealed: sealed,
      });
      if (!stored) {
        // The same id used at the same moment for a message to another conversation: that one won.
        const winner = await this.conversations.findSent(manager, actor.userId, dto.id);
        return {
          created: false,
          message: await this.replay(actor, conversation, winner!, checked.body, manager),
        };
      }
      // One's own message is read by oneself.
      await this.conversations.markRead(manager, conversation.id, actor.userId, stored.seq, this.clock.now());
      const scope = { tenantId: conversation.tenantId, subjectId: conversation.clientId };
      await this.outbox.add(
        manager,
        messagingMessageSentV1,
        {
          conversationId: conversation.id,
          clientId: conversation.clientId,
          professionalId: conversation.professionalId,
          messageId,
          senderId: actor.userId,
        },
        scope,
      );
      await this.notices.afterSend(manager, conversation, recipientId);
      await this.audit.succeeded(manager, conversationAccessed(actor, 'messaging.send', conversation, basis));
      return {
        created: true,
        message: {
          id: stored.id,
          clientMessageId: stored.clientMessageId,
          senderId: stored.senderId,
          mine: true,
          body: checked.body,
          sentAt: iso(stored.sentAt)!,
          readByCounterpart: false,
        },
      };
    });
  }

  /** A retried send: the stored message if it is the same one, else a conflict. */
  private async replay(
    actor: Actor,
    conversation: Conversation,
    earlier: StoredMessage,
    body: string,
    manager: EntityManager,
  ): Promise<MessageView> {
    const same =
      earlier.conversationId === conversation.id &&
      (await this.cipher.decrypt(
        conversation.clientId,
        bodyField(earlier.id),
        earlier.bodySealed,
        manager,
      )) === body;
    if (!same) {
      throw new MessagingException(
        MessagingErrorCode.IdempotencyConflict,
        'This message id was already used for another message; generate a new id for a new message.',
      );
    }
    const counterpart = await this.conversations.participant(
      manager,
      conversation.id,
      counterpartOf(conversation, actor.userId),
    );
    return {
      id: earlier.id,
      clientMessageId: earlier.clientMessageId,
      senderId: earlier.senderId,
      mine: true,
      body,
      sentAt: iso(earlier.sentAt)!,
      readByCounterpart: BigInt(counterpart?.lastReadSeq ?? '0') >= BigInt(earlier.seq),
    };
  }
}
