import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { retentionErasureCancelledV1, retentionErasureScheduledV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { ErasurePendingService } from './erasure-pending.service';

/** retention.erasure.scheduled.v1 deactivates the account at once; .cancelled.v1 gives it back. */
@Controller()
export class ErasurePendingConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly pending: ErasurePendingService,
  ) {}

  @OnEvent(retentionErasureScheduledV1)
  onScheduled(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionErasureScheduledV1, message, (event, manager) =>
      this.pending.scheduled(event, manager),
    );
  }

  @OnEvent(retentionErasureCancelledV1)
  onCancelled(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionErasureCancelledV1, message, (event, manager) =>
      this.pending.cancelled(event, manager),
    );
  }
}
