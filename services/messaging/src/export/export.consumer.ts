import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { retentionExportRequestedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { ExportService } from './export.service';

@Controller()
export class ExportConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly exports: ExportService,
  ) {}

  @OnEvent(retentionExportRequestedV1)
  onExportRequested(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionExportRequestedV1, message, (event, manager) =>
      this.exports.export(event, manager),
    );
  }
}
