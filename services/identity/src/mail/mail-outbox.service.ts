import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { Mailer } from './mailer';
import { MailOutboxRepository } from './mail-outbox.repository';
import type { MailKind, MailOutboxEntry, OutgoingMail } from './outgoing-mail';

/**
 * Builds the mail for an outbox row when it is sent, inside the claiming transaction (so it can
 * store a fresh token's hash). Returns null when there is nothing to send any more (link revoked or
 * used, account gone): the row is then dropped.
 */
export type MailComposer = (manager: EntityManager, entry: MailOutboxEntry) => Promise<OutgoingMail | null>;

/** Set on a query runner whose transaction wrote to the mail outbox. */
const MAIL_WRITTEN = 'therapyRoomMailWritten';
/** A claimed row is not picked again (by this or another replica) for this long. */
const LEASE_SECONDS = 120;
const MAX_RETRY_DELAY_SECONDS = 3600;

/** What a failure may say in the logs and the table: error code and SMTP status, never the message (it can hold the address). */
const describe = (err: unknown): string => {
  const e = err as { code?: unknown; responseCode?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  return typeof e.responseCode === 'number' ? `${code} ${e.responseCode}` : code;
};

/**
 * Mails are written in the transaction of the change (`enqueue`) and sent after commit by this
 * relay, with retries (5 s doubling, at most 1 h apart) until MAIL_MAX_ATTEMPTS, then parked. The
 * API answers whatever SMTP does. Rows are claimed with FOR UPDATE SKIP LOCKED and leased, so
 * replicas share the table; a mail can be sent twice if a process dies between sending and deleting.
 */
@Injectable()
export class MailOutboxService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly composers = new Map<MailKind, MailComposer>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: MailOutboxRepository,
    private readonly mailer: Mailer,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.dataSource.subscribers.push({
      afterTransactionCommit: (event) => {
        if (!event.queryRunner.data?.[MAIL_WRITTEN]) return;
        event.queryRunner.data = { ...event.queryRunner.data, [MAIL_WRITTEN]: false };
        this.wake();
      },
    });
  }

  /** Each feature registers how its kind of mail is written. */
  registerComposer(kind: MailKind, composer: MailComposer): void {
    this.composers.set(kind, composer);
  }

  /**
   * Records a mail to send once the caller's transaction commits. With `when: false` nothing is
   * recorded, by the very same statement: for callers whose answer must not reveal whether a mail
   * was due (a password reset request for an account that may not exist).
   */
  async enqueue(
    manager: EntityManager,
    entry: { tenantId: string; userId: string; kind: MailKind; refId: string },
    options: { when?: boolean } = {},
  ): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('mail outbox: enqueue must run inside the transaction of the change');
    }
    await this.repository.insert(manager, entry, options.when ?? true);
    manager.queryRunner.data = { ...manager.queryRunner.data, [MAIL_WRITTEN]: true };
  }

  get enabled(): boolean {
    return this.config.OUTBOX_RELAY_ENABLED && this.mailer.configured;
  }

  onApplicationBootstrap() {
    if (!this.config.OUTBOX_RELAY_ENABLED) return;
    if (!this.mailer.configured) {
      this.logger.warn('mail not sent: SMTP_URL unset; invitation and reset mails wait in mail_outbox');
      return;
    }
    this.timer = setInterval(() => this.wake(), this.config.OUTBOX_POLL_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  async beforeApplicationShutdown() {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /** Sends whatever is due; a call while a run is going on makes that run look once more. */
  wake(): void {
    if (!this.enabled || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && (await this.sendNext()));
      } while (this.again && !this.stopped);
    } catch (err) {
      this.logger.warn({ err: { name: (err as Error).name } }, 'mail outbox relay run failed');
    }
  }

  /** Claims, composes and sends one mail; false when nothing is due. */
  private async sendNext(): Promise<boolean> {
    let entry: MailOutboxEntry | null = null;
    let mail: OutgoingMail | null = null;
    await this.dataSource.transaction(async (manager) => {
      entry = await this.repository.claimNext(manager, LEASE_SECONDS);
      if (!entry) return;
      const composer = this.composers.get(entry.kind);
      mail = composer ? await composer(manager, entry) : null;
      if (!mail) await this.repository.delete(entry.id, manager);
    });
    const claimed = entry as MailOutboxEntry | null;
    if (!claimed) return false;
    const log = { mailId: claimed.id, kind: claimed.kind, attempts: claimed.attempts };
    if (!mail) {
      this.logger.info(log, 'mail dropped: nothing to send any more');
      return true;
    }
    try {
      await this.mailer.send(mail);
      await this.repository.delete(claimed.id);
      this.logger.info(log, 'mail sent');
    } catch (err) {
      const error = describe(err);
      const park = claimed.attempts >= this.config.MAIL_MAX_ATTEMPTS;
      const delay = Math.min(5 * 2 ** (claimed.attempts - 1), MAX_RETRY_DELAY_SECONDS);
      await this.repository.failed(claimed.id, error, park ? null : delay);
      this.logger.warn(
        { ...log, error },
        park ? 'mail parked after too many failures' : 'mail not sent; will retry',
      );
    }
    return true;
  }
}
