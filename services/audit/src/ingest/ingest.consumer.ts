import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { auditEntryBatchRecordedV1, auditEntryRecordedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type HandleResult, type IncomingMessage } from '@therapy-room/platform';
import { AuditLogWriter } from '../log/audit-log.writer';
import { Pseudonyms } from '../log/pseudonyms';
import { draftsOf } from './ingest-mapper';
import { OutsideAccessNotices } from '../notices/outside-access-notices';

/** Keeps every audit entry the services publish: one record per subject, once per event id (inbox). */
@Controller()
export class IngestConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly writer: AuditLogWriter,
    private readonly pseudonyms: Pseudonyms,
    private readonly notices: OutsideAccessNotices,
  ) {}

  @OnEvent(auditEntryRecordedV1)
  onEntry(@Payload() message: IncomingMessage) {
    return this.ingest(auditEntryRecordedV1, message);
  }

  @OnEvent(auditEntryBatchRecordedV1)
  onBatch(@Payload() message: IncomingMessage) {
    return this.ingest(auditEntryBatchRecordedV1, message);
  }

  private async ingest(
    contract: typeof auditEntryRecordedV1 | typeof auditEntryBatchRecordedV1,
    message: IncomingMessage,
  ): Promise<HandleResult> {
    let written: { tenantId: string; people: Map<string, string> } | undefined;
    const result = await this.events.handle(contract, message, async (event, manager) => {
      const people = new Map<string, string>();
      const drafts = draftsOf(event, (id) => this.pseudonyms.of(event.tenantId, id), people);
      const records = await this.writer.append(manager, event.tenantId, drafts, people);
      await this.notices.afterAppend(manager, event.tenantId, records, people);
      written = { tenantId: event.tenantId, people };
    });
    // Committed: the next event naming these people need not write their mappings again.
    if (result === 'handled' && written) this.pseudonyms.committed(written.tenantId, written.people);
    return result;
  }
}
