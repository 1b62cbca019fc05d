import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  identityPrivacyStatementPublishedV1,
  identitySessionRevokedV1,
  identityStaffGrantEndedV1,
} from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { SessionCache } from './session-cache';

/**
 * Revoked sessions leave the cache as soon as identity says so (well within a second); so do all of a
 * tenant's sessions when it publishes a new privacy statement, which every user must acknowledge,
 * and every session acting under a staff access grant that ended (expired or revoked).
 */
@Controller()
export class SessionRevocationsConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly cache: SessionCache,
  ) {}

  @OnEvent(identitySessionRevokedV1, { broadcast: true })
  onSessionRevoked(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(identitySessionRevokedV1, message, (event) =>
      this.cache.revoke(event.payload.sessionId),
    );
  }

  @OnEvent(identityPrivacyStatementPublishedV1, { broadcast: true })
  onPrivacyStatementPublished(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(identityPrivacyStatementPublishedV1, message, (event) =>
      this.cache.revokeTenant(event.tenantId),
    );
  }

  @OnEvent(identityStaffGrantEndedV1, { broadcast: true })
  onStaffGrantEnded(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(identityStaffGrantEndedV1, message, (event) =>
      this.cache.revokeGrant(event.payload.grantId),
    );
  }
}
