import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { identityUserSignedInV1 } from '@therapy-room/contracts';
import { AuditEmitter, Clock, OutboxService, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import type { UserAccount } from '../users/user-account.entity';
import { UsersRepository } from '../users/users.repository';
import { NewSignInNoticeService } from '../sign-in-notices/new-sign-in-notice.service';
import { SessionsRepository } from './sessions.repository';
import { hashToken } from './session-token';
import { LoginThrottleService, type ThrottleSubject } from './login-throttle.service';
import type { LoginResult } from './sessions.service';

/** Opening a session once someone has proved who they are, however they did (one way for all). */
@Injectable()
export class SessionStartService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
    private readonly signInNotices: NewSignInNoticeService,
  ) {}

  /**
   * A new session after a complete login (password, second factor or single sign-on): the throttle
   * pair starts afresh, the browser's device is recorded (a new one queues a "new sign-in" notice, in
   * this transaction); audited as `action`.
   */
  async startSession(
    user: Pick<UserAccount, 'id' | 'role' | 'tenantId'>,
    subject: ThrottleSubject,
    action: 'auth.login' | 'auth.second_factor' | 'auth.sso',
    options: {
      deviceToken?: string;
      inTransaction?: (manager: EntityManager, now: Date) => Promise<void>;
    } = {},
  ): Promise<LoginResult> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.config.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000);
    const deviceToken = await this.dataSource.transaction(async (manager) => {
      await options.inTransaction?.(manager, now);
      await this.sessions.insert(
        {
          id: sessionId,
          tokenHash: hashToken(token),
          userId: user.id,
          tenantId: user.tenantId,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          revokedAt: null,
        },
        manager,
      );
      await this.throttle.succeeded(manager, subject, now);
      // A sign-in restarts the idle-account count and voids a pending warning (idle-sweep.service.ts).
      await this.users.markSignedIn(user.id, now, manager);
      await this.audit.record(
        manager,
        {
          action,
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          resource: 'session',
          resourceId: sessionId,
        },
        { tenantId: user.tenantId, subjectId: user.id },
      );
      await this.outbox.add(
        manager,
        identityUserSignedInV1,
        { userId: user.id, role: user.role, method: action === 'auth.sso' ? 'sso' : 'password' },
        { tenantId: user.tenantId, subjectId: user.id },
      );
      return this.signInNotices.recordSignIn(
        manager,
        user,
        options.deviceToken,
        action === 'auth.sso' ? 'sso' : 'password',
        now,
      );
    });
    this.logger.info({ outcome: 'success', tenantId: user.tenantId, userId: user.id }, action);
    return {
      token,
      sessionId,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, role: user.role, tenantId: user.tenantId },
      deviceToken,
    };
  }
}
