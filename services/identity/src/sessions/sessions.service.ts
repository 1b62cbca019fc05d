import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { identitySessionRevokedV1, type IdentitySessionRevokedV1 } from '@therapy-room/contracts';
import { AuditEmitter, Clock, OutboxService } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { SessionsRepository } from './sessions.repository';

/** Said only to someone who proved they know the password, so it reveals nothing to a guesser. */
export const ACCOUNT_DEACTIVATED = 'This account has been deactivated. Contact your organisation.';

export type RevocationReason = IdentitySessionRevokedV1['reason'];
/** Audit entries about an organisation that does not exist carry the nil tenant id. */
export const NO_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export interface LoginResult {
  token: string;
  sessionId: string;
  expiresAt: string;
  user: { id: string; role: string; tenantId: string };
  /** The browser's device token (new-sign-in notices): the gateway keeps it in a cookie, never in a body. */
  deviceToken: string;
}

/**
 * Server-side sessions: the client holds a random 256-bit token, identity keeps only its SHA-256,
 * with an idle and an absolute timeout. This service ends them (logout, logout everywhere, and for
 * the other use cases: password change or reset, deactivation, erasure); starting one is
 * SessionStartService's (after PasswordLoginService or single sign-on), reading one
 * SessionResolver's, a password change PasswordChangeService's.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
  ) {}

  /**
   * Revokes every live session of a user (except one, if given) and publishes
   * `identity.session.revoked.v1` for each, in the caller's transaction: the one way to end a user's
   * sessions at once (logout everywhere, password change or reset, deactivation, erasure).
   */
  async revokeAllForUser(
    userId: string,
    reason: RevocationReason,
    manager: EntityManager,
    options: { except?: string } = {},
  ): Promise<string[]> {
    const revoked = await this.sessions.revokeAllForUser(userId, this.clock.now(), manager, options.except);
    for (const session of revoked) {
      await this.outbox.add(
        manager,
        identitySessionRevokedV1,
        { sessionId: session.id, userId, reason },
        { tenantId: session.tenantId, subjectId: userId },
      );
    }
    return revoked.map((s) => s.id);
  }

  /** Ends every session of the actor, on every device. */
  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.revokeAllForUser(actor.userId, 'logout_everywhere', manager);
      await this.recordRevokeAll(manager, actor);
    });
  }

  /** The audit entry of ending every session of the actor at once. */
  recordRevokeAll(manager: EntityManager, actor: Actor): Promise<void> {
    return this.audit.record(
      manager,
      {
        action: 'session.revoke_all',
        outcome: 'success',
        actorId: actor.userId,
        actorRole: actor.roles[0],
        resource: 'user.sessions',
        resourceId: actor.userId,
      },
      { tenantId: actor.tenantId, subjectId: actor.userId },
    );
  }

  /**
   * Ends the session, audited (`auth.logout`; reason `replaced` when the same browser signed in again
   * and its new session takes this one's place), and tells the gateways, which may hold it in their caches.
   */
  async logout(actor: Actor, reason?: 'replaced'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.sessions.revoke(actor.sessionId, this.clock.now(), manager))) return;
      await this.outbox.add(
        manager,
        identitySessionRevokedV1,
        { sessionId: actor.sessionId, userId: actor.userId, reason: 'logout' },
        { tenantId: actor.tenantId, subjectId: actor.userId },
      );
      await this.audit.record(
        manager,
        {
          action: 'auth.logout',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: actor.roles[0],
          resource: 'session',
          resourceId: actor.sessionId,
          ...(reason ? { reason } : {}),
        },
        { tenantId: actor.tenantId, subjectId: actor.userId },
      );
    });
  }
}
