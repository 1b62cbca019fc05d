import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import type { Actor } from '@therapy-room/auth';
import {
  DomainException,
  EventPublisher,
  PLATFORM_LOGGER,
  normaliseIpAddress,
  requestContext,
} from '@therapy-room/platform';

export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

/** A request under a staff access grant that could not be audited is not forwarded. */
export class AuditUnavailableException extends DomainException<typeof AUDIT_UNAVAILABLE> {
  constructor() {
    super(AUDIT_UNAVAILABLE, 'The request could not be recorded in the access log. Try again later.');
  }
  get status(): number {
    return 503;
  }
}

/** Method and path (never the query string), in the characters an audit field may hold, ≤ 128. */
export const describeRequest = (req: Pick<Request, 'method' | 'originalUrl'>): string =>
  `${req.method} ${req.originalUrl.split('?')[0]}`.replace(/[^A-Za-z0-9 /._~%:@-]/g, '_').slice(0, 128);

/**
 * Every request platform staff make under an access grant, audited one by one where it is
 * authenticated: an `audit.entry.recorded.v1` (`staff_access.act`, in the organisation the grant is
 * for, naming the grant and, as the responsible user, the org admin who approved it) is published
 * with acks=all *before* the request goes on, and the request is refused (503)
 * when it cannot be. The gateway has no database, so there is no outbox to share a transaction with;
 * waiting for Kafka is the price, paid only by staff requests.
 *
 * Why here and not in the services: the services audit what they read about clients, but not every
 * route is a client read, and a service that forgot one would leave a staff request unrecorded.
 * The gateway sees every request once, with the grant on the actor, before any service does.
 */
@Injectable()
export class StaffRequestAudit {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async record(actor: Actor & { grantId: string }, req: Request): Promise<void> {
    const context = requestContext.get();
    const sourceAddress =
      normaliseIpAddress(context?.sourceAddress) ?? normaliseIpAddress(req.socket.remoteAddress) ?? '::';
    try {
      await this.publisher.publish(
        auditEntryRecordedV1,
        {
          action: 'staff_access.act',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: 'platform_staff',
          resource: 'api.request',
          resourceId: describeRequest(req),
          basis: 'staff_grant',
          grantId: actor.grantId,
          // The org admin who approved the grant answers for what is done under it (NEN 7513).
          ...(actor.grantResponsible ? { responsibleUserId: actor.grantResponsible } : {}),
          sourceAddress,
          requestId: context?.requestId ?? 'unknown',
        },
        { tenantId: actor.tenantId, subjectId: null },
      );
    } catch (err) {
      this.logger.error(
        { err: { name: (err as Error).name }, grantId: actor.grantId },
        'staff request not audited: refused',
      );
      throw new AuditUnavailableException();
    }
  }
}
