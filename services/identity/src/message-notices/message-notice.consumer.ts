import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { messagingNotificationDueV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { MessageNoticeService } from './message-notice.service';

/** messaging.notification.due.v1 → one queued mail per event (inbox), sent by the mail outbox. */
@Controller()
export class MessageNoticeConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly notices: MessageNoticeService,
  ) {}

  @OnEvent(messagingNotificationDueV1)
  onNotificationDue(@Payload() message: IncomingMessage) {
    return this.events.handle(messagingNotificationDueV1, message, (event, manager) =>
      this.notices.due(event, manager),
    );
  }
}
