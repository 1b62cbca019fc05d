import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { identitySessionRevokedV1 } from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { hashToken } from './session-token';
import { SessionsRepository } from './sessions.repository';

@Injectable()
export class SessionRotation {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * A privilege change (platform staff starting to act in an organisation under an access grant):
   * the session is replaced by one with a new id and token, so a token seen before the change is
   * worth nothing after it. The absolute deadline is kept; gateways drop the old one on the event.
   */
  async rotate(
    actor: Actor,
    manager: EntityManager,
    acting: { tenantId: string; grantId: string } | null,
  ): Promise<{ token: string; expiresAt: string } | null> {
    const current = await this.sessions.findLiveById(actor.sessionId, manager);
    if (!current || current.userId !== actor.userId) return null;
    const now = this.clock.now();
    await this.sessions.revoke(current.id, now, manager);
    await this.outbox.add(
      manager,
      identitySessionRevokedV1,
      { sessionId: current.id, userId: current.userId, reason: 'privilege_changed' },
      { tenantId: current.tenantId, subjectId: current.userId },
    );
    const token = randomBytes(32).toString('base64url');
    await this.sessions.insert(
      {
        id: randomUUID(),
        tokenHash: hashToken(token),
        userId: current.userId,
        tenantId: current.tenantId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: current.expiresAt,
        revokedAt: null,
        actingTenantId: acting?.tenantId ?? null,
        grantId: acting?.grantId ?? null,
      },
      manager,
    );
    return { token, expiresAt: current.expiresAt.toISOString() };
  }
}
