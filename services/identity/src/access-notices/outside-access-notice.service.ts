import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MessageOf, auditOutsideAccessNoticeDueV1 } from '@therapy-room/contracts';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { UsersRepository } from '../users/users.repository';

export const OUTSIDE_ACCESS_NOTICE_SUBJECT = 'Someone from outside your care team viewed your record';

/**
 * The e-mail that says someone from outside the client's care team viewed their record, when audit says
 * one is due (audit owns the rule: at most one a day). It names nobody and says nothing of what was
 * viewed: the client reads the details in their contact history after signing in.
 */
@Injectable()
export class OutsideAccessNoticeService {
  constructor(
    private readonly users: UsersRepository,
    private readonly mail: MailOutboxService,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
  ) {
    this.mail.registerComposer('outside_access_notice', (manager, entry) => this.compose(manager, entry));
  }

  /** Queues the mail in the inbox transaction of the event; only for an active client. */
  async due(event: MessageOf<typeof auditOutsideAccessNoticeDueV1>, manager: EntityManager): Promise<void> {
    const user = await this.users.findInTenant(event.tenantId, event.payload.recipientId, manager);
    if (!user || user.status !== 'active' || user.role !== 'client') return;
    await this.mail.enqueue(manager, {
      tenantId: user.tenantId,
      userId: user.id,
      kind: 'outside_access_notice',
      refId: event.id,
    });
  }

  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    if (!user || user.status !== 'active') return null;
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    return {
      to: user.email,
      subject: OUTSIDE_ACCESS_NOTICE_SUBJECT,
      text: [
        'Hello,',
        '',
        'Someone from outside your care team viewed your record in your therapy room today.',
        '',
        `Sign in to see who, when and why in your contact history: ${base}/contact-history`,
        '',
        'For your privacy this e-mail does not say who it was or what was viewed.',
        'You get at most one such e-mail a day.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }
}
