import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { auditEntryBatchRecordedV1, auditEntryRecordedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { AuditLogWriter } from '../log/audit-log.writer';
import { Pseudonyms } from '../log/pseudonyms';
import { draftsOf } from './ingest-mapper';

/** Keeps every audit entry the services publish: one record per subject, once per event id (inbox). */
@Controller()
export class IngestConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly writer: AuditLogWriter,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  @OnEvent(auditEntryRecordedV1)
  onEntry(@Payload() message: IncomingMessage) {
    return this.events.handle(auditEntryRecordedV1, message, async (event, manager) => {
      const people = new Map<string, string>();
      const drafts = draftsOf(event, (id) => this.pseudonyms.of(event.tenantId, id), people);
      await this.writer.append(manager, event.tenantId, drafts, people);
    });
  }

  @OnEvent(auditEntryBatchRecordedV1)
  onBatch(@Payload() message: IncomingMessage) {
    return this.events.handle(auditEntryBatchRecordedV1, message, async (event, manager) => {
      const people = new Map<string, string>();
      const drafts = draftsOf(event, (id) => this.pseudonyms.of(event.tenantId, id), people);
      await this.writer.append(manager, event.tenantId, drafts, people);
    });
  }
}
