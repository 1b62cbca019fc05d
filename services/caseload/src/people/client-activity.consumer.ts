import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { identityUserSignedInV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { ClientActivityRepository } from './client-activity.repository';

/** Clients' last activity, from identity's events (the accounts themselves: libs/people-directory). */
@Controller()
export class ClientActivityConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly activity: ClientActivityRepository,
  ) {}

  /**
   * A client's last activity: their latest sign-in (later also content and messaging facts). The
   * update only moves forward, so it is idempotent without an inbox row.
   */
  @OnEvent(identityUserSignedInV1)
  onSignedIn(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(identityUserSignedInV1, message, async (event) => {
      if (event.payload.role !== 'client') return;
      await this.activity.active({
        id: event.payload.userId,
        tenantId: event.tenantId,
        at: event.occurredAt,
      });
    });
  }
}
