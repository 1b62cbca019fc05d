import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { messagingNotificationDueV1 } from '@therapy-room/contracts';
import { Clock, OutboxService, PLATFORM_CONFIG } from '@therapy-room/platform';
import { PeopleDirectory } from '@therapy-room/people-directory';
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
    private readonly people: PeopleDirectory,
    private readonly outbox: OutboxService,
    private readonly hub: StreamHub,
    @Inject(PLATFORM_CONFIG) private readonly config: MessagingConfig,
    private readonly clock: Clock,
  ) {}

  async afterSend(manager: EntityManager, conversation: Conversation, recipientId: string): Promise<void> {
    const now = this.clock.now();
    const [state, preference, recipient, streamOpen] = await Promise.all([
      this.conversations.participant(manager, conversation.id, recipientId),
      this.notifications.emailEnabled(recipientId, manager),
      this.people.find(conversation.tenantId, recipientId, manager),
      this.notifications.streamOpen(manager, recipientId, this.hub.freshSeconds, now),
    ]);
    const decision = decideNotification(
      {
        emailEnabled: preference ?? true,
        active: recipient?.status !== 'deactivated',
        streamOpen,
        lastSeenAt: state?.lastSeenAt ?? null,
        lastNotifiedAt: state?.lastNotifiedAt ?? null,
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
