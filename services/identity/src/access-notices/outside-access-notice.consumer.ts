import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { auditOutsideAccessNoticeDueV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { OutsideAccessNoticeService } from './outside-access-notice.service';

/** audit.outside-access-notice.due.v1 → one queued mail per event (inbox), sent by the mail outbox. */
@Controller()
export class OutsideAccessNoticeConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly notices: OutsideAccessNoticeService,
  ) {}

  @OnEvent(auditOutsideAccessNoticeDueV1)
  onNoticeDue(@Payload() message: IncomingMessage) {
    return this.events.handle(auditOutsideAccessNoticeDueV1, message, (event, manager) =>
      this.notices.due(event, manager),
    );
  }
}
