import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { messagingNotificationDueV1 } from '@therapy-room/contracts';
import { Clock, OutboxService, PLATFORM_CONFIG } from '@therapy-room/platform';
import type { MessagingConfig } from '../messaging.config';
import { StreamHub } from '../stream/stream-hub';
import { ConversationsRepository, type Conversation } from '../conversations/conversations.repository';
import { NotificationsRepository } from './notifications.repository';
import { decideNotification } from './notification-policy';

/**
 * The notice an away recipient gets (identity mails it: no text, no sender's name), decided in the
 * send's transaction (sends to one conversation are serialised by its row lock, so two quick messages
 * cannot both pass the throttle).
 */
@Injectable()
export class NoticesService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly outbox: OutboxService,
    private readonly hub: StreamHub,
    @Inject(PLATFORM_CONFIG) private readonly config: MessagingConfig,
    private readonly clock: Clock,
  ) {}

  async afterSend(manager: EntityManager, conversation: Conversation, recipientId: string): Promise<void> {
    const now = this.clock.now();
    const facts = await this.notifications.noticeFacts(manager, {
      conversationId: conversation.id,
      tenantId: conversation.tenantId,
      recipientId,
      freshSeconds: this.hub.freshSeconds,
      at: now,
    });
    const decision = decideNotification(
      {
        emailEnabled: facts.emailEnabled ?? true,
        active: !facts.deactivated,
        streamOpen: facts.streamOpen,
        lastSeenAt: facts.lastSeenAt,
        lastNotifiedAt: facts.lastNotifiedAt,
      },
      {
        intervalSeconds: this.config.MESSAGING_NOTIFY_INTERVAL_SECONDS,
        readingSeconds: this.config.MESSAGING_NOTIFY_READING_SECONDS,
      },
      now,
    );
    if (!decision.notify) return;
    await this.conversations.notified(manager, conversation.id, recipientId, now);
    await this.outbox.add(
      manager,
      messagingNotificationDueV1,
      { recipientId, conversationId: conversation.id },
      { tenantId: conversation.tenantId, subjectId: recipientId },
    );
  }
}
