import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { identitySessionRevokedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { SessionCache } from './session-cache';

/** Revoked sessions leave the cache as soon as identity says so (well within a second). */
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
}
