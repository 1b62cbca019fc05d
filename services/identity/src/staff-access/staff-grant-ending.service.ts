import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { identityStaffGrantEndedV1, type IdentityStaffGrantEndedV1 } from '@therapy-room/contracts';
import {
  AuditEmitter,
  OutboxService,
  PLATFORM_CONFIG,
  PLATFORM_LOGGER,
  requestContext,
} from '@therapy-room/platform';
import { Clock } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { SessionsRepository } from '../sessions/sessions.repository';
import { StaffAccessRepository } from './staff-access.repository';
import type { StaffAccessGrant } from './staff-access-grant.entity';

/** Grants ended per sweep transaction; the sweep goes on until none is left. */
const SWEEP_BATCH = 100;

/**
 * The end of a staff access grant, announced once: `identity.staff-grant.ended.v1` through the
 * outbox, in the transaction that ends it (revocation by an org admin, or this sweep when
 * `valid_until` has passed by the injected clock), with every session acting under it revoked in
 * the same transaction. Gateways drop those sessions from their caches when the event arrives, and
 * identity's session resolve refuses them from then on.
 */
@Injectable()
export class StaffGrantEndingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: StaffAccessRepository,
    private readonly sessions: SessionsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  /** In the caller's transaction, which has marked the grant ended (revocation, or the sweep's claim). */
  async announce(
    manager: EntityManager,
    grant: Pick<StaffAccessGrant, 'id' | 'tenantId' | 'requesterId'>,
    reason: IdentityStaffGrantEndedV1['reason'],
    now: Date,
  ): Promise<void> {
    await this.sessions.revokeAllForGrant(grant.id, now, manager);
    await this.outbox.add(
      manager,
      identityStaffGrantEndedV1,
      { grantId: grant.id, staffUserId: grant.requesterId, reason },
      { tenantId: grant.tenantId, subjectId: grant.requesterId },
    );
  }

  /**
   * Ends every approved grant whose time has run out (by the injected clock); returns how many. Each
   * end is audited in the organisation's trail (`staff_access.expire`, no actor: nobody made a request,
   * so the entry names the sweep run and the unspecified address).
   */
  sweep(): Promise<number> {
    return requestContext.run(
      { requestId: `staff-grant-sweep:${randomUUID()}`, sourceAddress: '::' },
      async () => {
        let total = 0;
        for (;;) {
          const now = this.clock.now();
          const ended = await this.dataSource.transaction(async (manager) => {
            const expired = await this.grants.endExpired(now, SWEEP_BATCH, manager);
            for (const grant of expired) {
              await this.announce(manager, grant, 'expired', now);
              await this.audit.record(
                manager,
                {
                  action: 'staff_access.expire',
                  outcome: 'success',
                  actorId: null,
                  actorRole: null,
                  resource: 'staff_access_grant',
                  resourceId: grant.id,
                },
                { tenantId: grant.tenantId, subjectId: grant.requesterId },
              );
            }
            return expired.length;
          });
          total += ended;
          if (ended < SWEEP_BATCH) return total;
        }
      },
    );
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((err: unknown) => this.logger.warn({ err }, 'staff grant expiry sweep failed'))
        .finally(() => (this.running = undefined));
    }, this.config.STAFF_GRANT_SWEEP_SECONDS * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }
}
