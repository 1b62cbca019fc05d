import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MessageOf, messagingNotificationDueV1 } from '@therapy-room/contracts';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { UsersRepository } from '../users/users.repository';

export const MESSAGE_NOTICE_SUBJECT = 'You have a new message in your therapy room';

/**
 * The e-mail that says a message is waiting, when messaging says one is due (messaging owns the
 * rules: the user's preference, one per conversation per interval, not while they are reading).
 * Identity only owns the address. The mail never holds the message, the sender's name or the
 * organisation's name (each can say what kind of care someone receives): only that there is
 * something to read, and where to sign in.
 */
@Injectable()
export class MessageNoticeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly mail: MailOutboxService,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
  ) {
    this.mail.registerComposer('message_notice', (manager, entry) => this.compose(manager, entry));
  }

  /** Queues the mail in the inbox transaction of the event; nothing for an account that cannot sign in. */
  async due(event: MessageOf<typeof messagingNotificationDueV1>, manager: EntityManager): Promise<void> {
    const user = await this.users.findInTenant(event.tenantId, event.payload.recipientId, manager);
    if (!user || user.status !== 'active') return;
    await this.mail.enqueue(manager, {
      tenantId: user.tenantId,
      userId: user.id,
      kind: 'message_notice',
      refId: event.payload.conversationId,
    });
  }

  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    if (!user || user.status !== 'active') return null;
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    return {
      to: user.email,
      subject: MESSAGE_NOTICE_SUBJECT,
      text: [
        'Hello,',
        '',
        'You have a new message in your therapy room.',
        '',
        `Sign in to read it: ${base}/messages`,
        '',
        'For your privacy this e-mail does not say who wrote or what the message says.',
        'You can turn these e-mails off in your therapy room, under notifications.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }
}
