import { Module } from '@nestjs/common';
import { Mailer } from './mailer';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailOutboxService } from './mail-outbox.service';

/** Outgoing e-mail: an outbox in identity's schema, relayed to SMTP after commit. */
@Module({
  providers: [Mailer, MailOutboxRepository, MailOutboxService],
  exports: [MailOutboxService],
})
export class MailModule {}
