import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { auditEntryBatchRecordedV1, auditEntryRecordedV1, type MessageOf } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { AuditLogWriter } from '../log/audit-log.writer';
import { Pseudonyms } from '../log/pseudonyms';
import { draftsOf } from './ingest-mapper';
import { OutsideAccessNotices } from '../notices/outside-access-notices';

type Contract = typeof auditEntryRecordedV1 | typeof auditEntryBatchRecordedV1;
/** Per organisation, the people (pseudonym → id) a committed transaction wrote the mappings of. */
type Written = { tenantId: string; people: Map<string, string> }[];

/**
 * Keeps every audit entry the services publish: one record per subject, once per event id (inbox).
 * Consumed a fetched batch at a time: one transaction per batch, and per organisation in it one head
 * lock, one pseudonym statement and one INSERT of every record, in message order.
 */
@Controller()
export class IngestConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly writer: AuditLogWriter,
    private readonly pseudonyms: Pseudonyms,
    private readonly notices: OutsideAccessNotices,
  ) {}

  @OnEvent(auditEntryRecordedV1, { batch: true })
  onEntries(@Payload() messages: IncomingMessage[]) {
    return this.ingest(auditEntryRecordedV1, messages);
  }

  @OnEvent(auditEntryBatchRecordedV1, { batch: true })
  onBatches(@Payload() messages: IncomingMessage[]) {
    return this.ingest(auditEntryBatchRecordedV1, messages);
  }

  private ingest(contract: Contract, messages: IncomingMessage[]): Promise<void> {
    return this.events.handleBatch(
      contract,
      messages,
      (events, manager) => this.append(events, manager),
      // Committed: the next events naming these people need not write their mappings again.
      (written) => {
        for (const { tenantId, people } of written) this.pseudonyms.committed(tenantId, people);
      },
    );
  }

  private async append(events: MessageOf<Contract>[], manager: EntityManager): Promise<Written> {
    const byTenant = new Map<string, MessageOf<Contract>[]>();
    for (const event of events) {
      const list = byTenant.get(event.tenantId) ?? [];
      list.push(event);
      byTenant.set(event.tenantId, list);
    }
    const written: Written = [];
    // Organisations in a fixed order, so that two batches never wait for each other's head locks.
    for (const tenantId of [...byTenant.keys()].sort()) {
      const people = new Map<string, string>();
      const drafts = byTenant
        .get(tenantId)!
        .flatMap((event) => draftsOf(event, (id) => this.pseudonyms.of(tenantId, id), people));
      const records = await this.writer.append(manager, tenantId, drafts, people);
      await this.notices.afterAppend(manager, tenantId, records, people);
      written.push({ tenantId, people });
    }
    return written;
  }
}
