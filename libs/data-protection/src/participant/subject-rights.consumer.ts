import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { retentionErasureRequestedV1, retentionExportRequestedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { SubjectRightsRunner } from './subject-rights.runner';

/** Every participant's handler of `retention.erasure.requested.v1`. */
@Controller()
export class ErasureRequestConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly runner: SubjectRightsRunner,
  ) {}

  @OnEvent(retentionErasureRequestedV1)
  onErasureRequested(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionErasureRequestedV1, message, (event, manager) =>
      this.runner.erase(event, manager),
    );
  }
}

/** The handler of `retention.export.requested.v1`, for participants that export. */
@Controller()
export class ExportRequestConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly runner: SubjectRightsRunner,
  ) {}

  @OnEvent(retentionExportRequestedV1)
  onExportRequested(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionExportRequestedV1, message, (event, manager) =>
      this.runner.export(event, manager),
    );
  }
}
