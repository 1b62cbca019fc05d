import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AuditEmitter,
  Clock,
  OutboxService,
  PLATFORM_CONFIG,
  PLATFORM_LOGGER,
  requestContext,
} from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { SessionsService } from '../sessions/sessions.service';
import { publishDeactivation } from '../users/deactivation-events';
import { UsersRepository } from '../users/users.repository';
import { IdleAccountsRepository, type IdleAccount } from './idle-accounts.repository';

/** Accounts handled per sweep transaction; the sweep goes on until none is due. */
const BATCH = 200;

export const IDLE_WARNING_SUBJECT = 'Your Therapy Room account will be deactivated';

/**
 * Idle accounts, in the organisations that turned the rule on: a week before an account has gone its
 * organisation's number of days without a sign-in, its owner is told by mail (`idle_warning`); when the
 * days are up and the warning is a week old, the account is deactivated (sessions ended,
 * `identity.user.deactivated.v2` with reason `idle`, audited as the system's `user.deactivate`).
 * Signing in in between voids the warning. Runs every IDLE_SWEEP_SECONDS by the injected clock; one
 * replica at a time (an advisory lock per batch transaction); every batch commits what it did with the
 * state it leaves (warned, deactivated), so a stopped sweep simply goes on at its next run.
 */
@Injectable()
export class IdleSweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly idle: IdleAccountsRepository,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly mail: MailOutboxService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.mail.registerComposer('idle_warning', (manager, entry) => this.compose(manager, entry));
  }

  /** One run: warnings, then deactivations. Answers how many of each (0, 0 when another replica runs). */
  sweep(): Promise<{ warned: number; deactivated: number }> {
    return requestContext.run({ requestId: `idle-sweep:${randomUUID()}`, sourceAddress: '::' }, async () => {
      const warned = await this.inBatches((manager, now) => this.warn(manager, now));
      const deactivated = await this.inBatches((manager, now) => this.deactivate(manager, now));
      if (warned || deactivated) this.logger.info({ warned, deactivated }, 'idle account sweep');
      return { warned, deactivated };
    });
  }

  private async inBatches(step: (manager: EntityManager, now: Date) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.clock.now();
      const done = await this.dataSource.transaction(async (manager) =>
        (await this.idle.tryLock(manager)) ? step(manager, now) : -1,
      );
      if (done < 0) return total;
      total += done;
      if (done < BATCH) return total;
    }
  }

  private async warn(manager: EntityManager, now: Date): Promise<number> {
    const due = await this.idle.warnDue(manager, now, BATCH);
    for (const account of due) {
      await this.mail.enqueue(manager, { ...this.ids(account), kind: 'idle_warning', refId: account.id });
    }
    return due.length;
  }

  private async deactivate(manager: EntityManager, now: Date): Promise<number> {
    const due = await this.idle.deactivateDue(manager, now, BATCH);
    for (const account of due) {
      await this.sessions.revokeAllForUser(account.id, 'deactivated', manager);
      await publishDeactivation(this.outbox, manager, {
        userId: account.id,
        byUserId: null,
        reason: 'idle',
        tenantId: account.tenantId,
      });
      await this.audit.record(
        manager,
        {
          action: 'user.deactivate',
          outcome: 'success',
          actorId: null,
          actorRole: null,
          resource: 'user',
          resourceId: account.id,
          reason: 'idle',
          basis: 'system',
        },
        { tenantId: account.tenantId, subjectId: account.id },
      );
    }
    return due.length;
  }

  private ids(account: IdleAccount) {
    return { tenantId: account.tenantId, userId: account.id };
  }

  /**
   * The warning, written when it is sent: nothing if the account signed in (or was deactivated) since.
   * Like every mail of identity: a greeting, no name, no organisation (it can say what care someone
   * receives), only what will happen, when, and how to keep the account.
   */
  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    const at = user && (await this.idle.deactivationDate(manager, user.id));
    if (!user || !at) return null;
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    return {
      to: user.email,
      subject: IDLE_WARNING_SUBJECT,
      text: [
        'Hello,',
        '',
        'Nobody has signed in to your Therapy Room account for a long time. Your organisation has',
        `unused accounts deactivated: yours will be deactivated on ${at.toISOString().slice(0, 10)}.`,
        '',
        `To keep it, sign in before then: ${base}/login`,
        '',
        'A deactivated account keeps its data; your organisation can reactivate it.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.logger.warn({ err }, 'idle account sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.config.IDLE_SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }
}
