import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { identitySessionRevokedV1 } from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '../common/clock';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import { normaliseEmail } from '../common/normalise';
import { PasswordHasher } from '../common/password-hasher';
import type { IdentityConfig } from '../identity.config';
import { TenantsRepository } from '../tenants/tenants.repository';
import { UsersRepository } from '../users/users.repository';
import { SessionsRepository } from './sessions.repository';
import { LoginThrottleService, type ThrottleSubject } from './login-throttle.service';
import { LoginThrottledException } from './login-throttled.exception';
import { accountKey, throttleAddress } from './policies/login-throttle.policy';
import type { LoginDto } from './dto/login.dto';

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 30_000;
const INVALID_CREDENTIALS = 'The organisation, e-mail address or password is not correct.';
/** Audit entries about an organisation that does not exist carry the nil tenant id. */
export const NO_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export interface LoginResult {
  token: string;
  sessionId: string;
  expiresAt: string;
  user: { id: string; role: string; tenantId: string };
}

/**
 * Server-side sessions: the client holds a random 256-bit token, identity keeps only its SHA-256,
 * with an idle and an absolute timeout.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Same error, and the same password-hashing cost, whether the organisation or account exists or not.
   * Throttled per (account, source address) and per address (see login-throttle.policy.ts); a refused
   * attempt never reaches the password check. Every attempt leaves an audit entry.
   */
  async login(dto: LoginDto, sourceAddress: string): Promise<LoginResult> {
    const email = normaliseEmail(dto.email);
    const tenant = await this.tenants.findBySlug(dto.organisation);
    const user = tenant ? await this.users.findForLogin(tenant.id, email) : null;
    const subject: ThrottleSubject = {
      accountKey: accountKey(tenant ? { tenantId: tenant.id } : { slug: dto.organisation }, email),
      address: throttleAddress(sourceAddress),
      tenantId: tenant?.id ?? null,
    };
    const scope = { tenantId: tenant?.id ?? NO_TENANT_ID, subjectId: user?.id ?? null };
    const refused = {
      action: 'auth.login',
      actorId: null,
      actorRole: null,
      resource: 'session',
      resourceId: null,
    } as const;

    // Admission (and the charge of a failure) commits before the password is checked, so concurrent
    // guesses cannot exceed the limit and no row lock or connection is held across argon2.
    const admission = await this.dataSource.transaction(async (manager) => {
      const result = await this.throttle.admit(manager, subject, this.clock.now());
      if (!result.admitted) await this.audit.record(manager, { ...refused, outcome: result.outcome }, scope);
      return result;
    });
    if (!admission.admitted) {
      this.logger.info({ outcome: admission.outcome, tenantId: tenant?.id }, 'login');
      throw new LoginThrottledException(admission.retryAfterSeconds);
    }

    const passwordOk = await this.hasher.verify(user?.passwordHash, dto.password);
    if (!tenant || !user || !passwordOk || user.status !== 'active') {
      await this.dataSource.transaction((manager) =>
        this.audit.record(manager, { ...refused, outcome: 'failure' }, scope),
      );
      this.logger.info({ outcome: 'failure', tenantId: tenant?.id }, 'login');
      throw new IdentityException(IdentityErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    }
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.hasher.hash(dto.password));
    }
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const sessionId = randomUUID();
    const expiresAt = new Date(now.getTime() + this.config.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000);
    await this.dataSource.transaction(async (manager) => {
      await this.sessions.insert(
        {
          id: sessionId,
          tokenHash: hashToken(token),
          userId: user.id,
          tenantId: tenant.id,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          revokedAt: null,
        },
        manager,
      );
      await this.throttle.succeeded(manager, subject, now);
      await this.audit.record(
        manager,
        {
          action: 'auth.login',
          outcome: 'success',
          actorId: user.id,
          actorRole: user.role,
          resource: 'session',
          resourceId: sessionId,
        },
        scope,
      );
    });
    this.logger.info({ outcome: 'success', tenantId: tenant.id, userId: user.id }, 'login');
    return {
      token,
      sessionId,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, role: user.role, tenantId: tenant.id },
    };
  }

  /** The actor behind a session token, if the session is live; refreshes the idle timer. */
  async resolve(token: string): Promise<Actor> {
    const found = await this.sessions.findLive(hashToken(token));
    const now = this.clock.now();
    const invalid = () => new IdentityException(IdentityErrorCode.SessionInvalid, 'Authentication required.');
    if (!found || found.user.status !== 'active') throw invalid();
    const { session, user } = found;
    const idleDeadline = session.lastSeenAt.getTime() + this.config.SESSION_IDLE_TIMEOUT_SECONDS * 1000;
    if (now >= session.expiresAt || now.getTime() >= idleDeadline) {
      await this.sessions.revoke(session.id, now);
      throw invalid();
    }
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
      await this.sessions.touch(session.id, now);
    return {
      userId: user.id,
      tenantId: session.tenantId,
      roles: [user.role],
      region: this.config.REGION,
      sessionId: session.id,
    };
  }

  /** Ends the session and tells the gateways, which may hold it in their caches. */
  async logout(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.sessions.revoke(actor.sessionId, this.clock.now(), manager))) return;
      await this.outbox.add(
        manager,
        identitySessionRevokedV1,
        { sessionId: actor.sessionId, userId: actor.userId, reason: 'logout' },
        { tenantId: actor.tenantId, subjectId: actor.userId },
      );
    });
  }
}
