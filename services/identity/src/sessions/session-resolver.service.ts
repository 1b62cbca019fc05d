import { Inject, Injectable } from '@nestjs/common';
import { Clock, PLATFORM_CONFIG } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { IdentityErrorCode, IdentityException } from '../common/identity.exception';
import type { IdentityConfig } from '../identity.config';
import { PrivacyStatementService } from '../privacy/privacy-statement.service';
import type { PrivacyGate } from '../privacy/dto/privacy-statement.dto';
import { StaffAccessService } from '../staff-access/staff-access.service';
import { SessionsRepository } from './sessions.repository';
import { hashToken } from './session-token';

/** last_seen_at is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 30_000;

/** The gateway's question on every request: whose session is this token, and is it still live? */
@Injectable()
export class SessionResolver {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    private readonly privacy: PrivacyStatementService,
    private readonly staffAccess: StaffAccessService,
  ) {}

  /**
   * The actor behind a session token, if the session is live; refreshes the idle timer. With it, the
   * privacy gate: whether the user still has to acknowledge the organisation's current statement.
   */
  async resolve(token: string): Promise<Actor & PrivacyGate> {
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
    // Platform staff act in another organisation only while their grant is approved and unexpired,
    // checked here on every resolve. A session made for a grant ends with it (no fallback to the
    // staff member's own tenant); gateways drop it from their caches on identity.staff-grant.ended.v1.
    const acting = await this.staffAccess.actingTenant(session, user, now);
    if (session.grantId && !acting) {
      await this.sessions.revoke(session.id, now);
      throw invalid();
    }
    return {
      userId: user.id,
      tenantId: acting?.tenantId ?? session.tenantId,
      roles: [user.role],
      region: this.config.REGION,
      sessionId: session.id,
      ...(acting ? { grantId: acting.grantId } : {}),
      // Who answers for what staff do under the grant: recorded as the responsible user in the audit.
      ...(acting?.approvedBy ? { grantResponsible: acting.approvedBy } : {}),
      // A session is opened by proving the password (and second factor): its age is the authentication's.
      authenticatedAt: session.createdAt.toISOString(),
      ...(await this.privacy.gate(session.tenantId, user.id)),
    };
  }
}
