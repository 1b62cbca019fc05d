import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { retentionErasureRequestedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { ErasureService } from './erasure.service';

@Controller()
export class ErasureConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly erasure: ErasureService,
  ) {}

  @OnEvent(retentionErasureRequestedV1)
  onErasureRequested(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionErasureRequestedV1, message, (event, manager) =>
      this.erasure.erase(event, manager),
    );
  }
}
