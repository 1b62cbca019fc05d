import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import type { OutgoingMail } from './outgoing-mail';

/** SMTP through nodemailer. Never logs an address, a subject or a body (they may carry a link). */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transport?: Transporter;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    if (config.SMTP_URL) {
      this.transport = nodemailer.createTransport(config.SMTP_URL, {
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
    }
  }

  get configured(): boolean {
    return this.transport !== undefined;
  }

  /** Sends or throws; the caller (the mail outbox relay) retries. */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transport) {
      this.logger.warn('mail not sent: SMTP_URL unset');
      throw new Error('SMTP_URL unset');
    }
    await this.transport.sendMail({ from: this.config.MAIL_FROM, ...mail });
  }

  onApplicationShutdown() {
    this.transport?.close();
  }
}
