import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { identitySessionRevokedV1 } from '@therapy-room/contracts';
import {
  AuditEmitter,
  OutboxService,
  PLATFORM_CONFIG,
  PLATFORM_LOGGER,
  type AuditEntry,
} from '@therapy-room/platform';
import { Clock } from '@therapy-room/platform';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { hashLinkToken, linkNamesTenant, linkUrl, newLinkToken } from '../common/link-token';
import { normaliseEmail } from '../common/normalise';
import { PasswordHasher } from '../common/password-hasher';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { assertPasswordAllowed } from '../passwords/password-policy';
import { SessionsRepository } from '../sessions/sessions.repository';
import { NO_TENANT_ID } from '../sessions/sessions.service';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { PasswordResetRepository } from './password-reset.repository';
import type { RequestPasswordResetDto } from './dto/request-password-reset.dto';
import type { ConfirmPasswordResetDto } from './dto/confirm-password-reset.dto';

export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
/** At most this many reset mails per account per hour (a flood of requests does not flood the inbox). */
const MAX_RESETS_PER_HOUR = 3;
const LINK_NO_LONGER_VALID = 'This link is no longer valid.';
/** Stands in for an account that does not exist, so that its request runs the same statements. */
const NO_USER_ID = '00000000-0000-0000-0000-000000000000';

/** Nobody is logged in on these public routes: the account concerned is the subject, not the actor. */
const resetEntry = (
  action: 'auth.password_reset.request' | 'auth.password_reset.confirm',
  outcome: 'success' | 'failure' | 'throttled',
  userId: string | null,
): AuditEntry => ({ action, outcome, actorId: null, actorRole: null, resource: 'user', resourceId: userId });

/**
 * Forgotten passwords: a request always gets the same answer; an active account gets a single-use
 * link valid for 1 hour; using it sets the password and ends every session of the account.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly resets: PasswordResetRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly mail: MailOutboxService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly audit: AuditEmitter,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.mail.registerComposer('password_reset', (manager, entry) => this.compose(manager, entry));
  }

  /**
   * Says nothing about whether the organisation or the account exists, in its answer (the caller
   * answers 202 whatever happens here) or in its cost: every request runs the same statements, in the
   * same order, in one transaction (the link and the mail are written by statements that write
   * nothing unless the account is active and under its hourly limit), and no password hashing. The
   * mail is sent after commit by the relay, so the answer does not wait for SMTP either.
   */
  async request(dto: RequestPasswordResetDto): Promise<void> {
    const tenant = await this.tenants.findBySlug(dto.organisation);
    const user = await this.users.findForLogin(tenant?.id ?? NO_TENANT_ID, normaliseEmail(dto.email));
    const tenantId = tenant?.id ?? NO_TENANT_ID;
    const userId = user?.id ?? NO_USER_ID;
    const eligible = tenant !== null && user !== null && user.status === 'active';
    await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const since = new Date(now.getTime() - 60 * 60 * 1000);
      const recent = await this.resets.countSince(manager, userId, since);
      const outcome = !eligible ? 'failure' : recent >= MAX_RESETS_PER_HOUR ? 'throttled' : 'success';
      const send = outcome === 'success';
      // Recorded for the organisation (a failure: someone asked for an account that cannot reset).
      const subjectId = eligible ? userId : null;
      await this.audit.record(manager, resetEntry('auth.password_reset.request', outcome, subjectId), {
        tenantId,
        subjectId,
      });
      const id = randomUUID();
      await this.resets.replacePending(
        manager,
        {
          id,
          tenantId,
          userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
        },
        send,
      );
      await this.mail.enqueue(
        manager,
        { tenantId, userId, kind: 'password_reset', refId: id },
        { when: send },
      );
    });
  }

  /** Sets the new password from a reset link and revokes every session of the account. */
  async confirm(dto: ConfirmPasswordResetDto): Promise<{ organisation: string }> {
    const hash = hashLinkToken(dto.token);
    const invalid = () => new IdentityException(IdentityErrorCode.LinkInvalid, LINK_NO_LONGER_VALID);
    const found = await this.resets.findUsable(this.dataSource.manager, hash, this.clock.now());
    const user = found && (await this.users.findInTenant(found.tenantId, found.userId));
    const tenant = found && (await this.tenants.findById(found.tenantId));
    if (
      !found ||
      !user ||
      !tenant ||
      !linkNamesTenant(dto.organisation, tenant.slug) ||
      user.status !== 'active'
    )
      throw invalid();

    assertPasswordAllowed(dto.password, {
      tenantPolicy: tenant.passwordPolicy,
      email: user.email,
      path: 'password',
    });
    const passwordHash = await this.hasher.hash(dto.password);

    const revoked = await this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const reset = await this.resets.findUsable(manager, hash, now);
      const locked = reset && (await this.users.findInTenantForUpdate(reset.tenantId, reset.userId, manager));
      if (!reset || !locked || locked.status !== 'active') throw invalid();
      await this.users.updatePasswordHash(locked.id, passwordHash, manager);
      await this.resets.markUsed(manager, reset.id, now);
      await this.resets.revokePending(manager, locked.id, now, reset.id);
      await this.audit.record(manager, resetEntry('auth.password_reset.confirm', 'success', locked.id), {
        tenantId: locked.tenantId,
        subjectId: locked.id,
      });
      // Every session ends (whoever knew the old password may hold one); gateways drop them on the event.
      const ended = await this.sessions.revokeAllForUser(locked.id, now, manager);
      for (const session of ended) {
        await this.outbox.add(
          manager,
          identitySessionRevokedV1,
          { sessionId: session.id, userId: locked.id, reason: 'password_changed' },
          { tenantId: locked.tenantId, subjectId: locked.id },
        );
      }
      return ended.length;
    });
    this.logger.info({ tenantId: tenant.id, userId: user.id, sessionsRevoked: revoked }, 'password reset');
    return { organisation: tenant.slug };
  }

  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    if (!user || user.status !== 'active') return null;
    const { token, hash } = newLinkToken();
    if (!(await this.resets.setTokenHash(manager, entry.refId, hash, this.clock.now()))) return null;
    const tenant = await this.tenants.findById(entry.tenantId, manager);
    if (!tenant) return null;
    const link = linkUrl(this.config.PUBLIC_URL, 'reset-password', tenant.slug, token);
    return {
      to: user.email,
      subject: 'Reset your Therapy Room password',
      text: [
        'Hello,',
        '',
        'Someone asked to reset the password of your Therapy Room account.',
        'To choose a new password, open this link:',
        '',
        link,
        '',
        'The link works once and expires in 1 hour. If you did not ask for this, ignore this e-mail:',
        'your password stays as it is.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }
}
