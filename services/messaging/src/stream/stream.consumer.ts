import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { messagingMessageReadV1, messagingMessageSentV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { StreamHub } from './stream-hub';

/**
 * Every replica hears every message and read event of messaging's own (broadcast: its own consumer
 * group, from the latest offset) and writes it to the live streams it holds. Nothing is stored, so
 * no inbox: a repeated event is at worst a repeated notice, which the app de-duplicates by id.
 */
@Controller()
export class StreamConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly hub: StreamHub,
    private readonly access: CaseloadAccess,
  ) {}

  @OnEvent(messagingMessageSentV1, { broadcast: true })
  onSent(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(messagingMessageSentV1, message, (event) => {
      const p = event.payload;
      this.hub.deliver([p.clientId, p.professionalId], 'message', {
        conversationId: p.conversationId,
        messageId: p.messageId,
        senderId: p.senderId,
        sentAt: event.occurredAt,
      });
    });
  }

  @OnEvent(messagingMessageReadV1, { broadcast: true })
  onRead(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(messagingMessageReadV1, message, async (event) => {
      const p = event.payload;
      const to = [p.clientId];
      // A professional who left the client's care team learns nothing more about the conversation.
      if (
        this.hub.has(p.professionalId) &&
        (await this.access.canAccess(p.professionalId, p.clientId, undefined, event.tenantId))
      ) {
        to.push(p.professionalId);
      }
      this.hub.deliver(to, 'read', {
        conversationId: p.conversationId,
        readerId: p.readerId,
        upToMessageId: p.upToMessageId,
        readAt: event.occurredAt,
      });
    });
  }
}
