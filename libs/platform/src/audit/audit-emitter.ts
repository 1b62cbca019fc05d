import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  auditEntryBatchRecordedV1,
  auditEntryRecordedV1,
  type AuditEntryRecordedV1,
} from '@therapy-room/contracts';
import { OutboxService } from '../outbox/outbox.service';
import { Metrics } from '../metrics/metrics';
import { requestContext } from '../context/request-context';
import { normaliseIpAddress } from './source-address';

/** What the caller states; requestId and sourceAddress default to the current request's. */
export type AuditEntry = Omit<AuditEntryRecordedV1, 'requestId' | 'sourceAddress'> &
  Partial<Pick<AuditEntryRecordedV1, 'requestId' | 'sourceAddress'>>;

export interface AuditScope {
  tenantId: string;
  /** The person the entry is about (envelope subjectId and partition key), when known. */
  subjectId?: string | null;
}

/**
 * Records an audit entry (`audit.entry.recorded.v1`) through the outbox, in the caller's transaction:
 * the entry exists if and only if the audited change (or refusal) was committed. Ids and facts only.
 */
@Injectable()
export class AuditEmitter {
  constructor(
    private readonly outbox: OutboxService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async record(manager: EntityManager, entry: AuditEntry, scope: AuditScope): Promise<void> {
    await this.recordMany(manager, [{ entry, scope }]);
  }

  /** Several entries in one statement (e.g. one per client shown in a list). */
  async recordMany(
    manager: EntityManager,
    entries: { entry: AuditEntry; scope: AuditScope }[],
  ): Promise<void> {
    await this.outbox.addMany(
      manager,
      auditEntryRecordedV1,
      entries.map(({ entry, scope }) => ({
        payload: { ...entry, ...this.origin(entry) },
        options: { tenantId: scope.tenantId, subjectId: scope.subjectId ?? null },
      })),
    );
    for (const { entry } of entries)
      this.metrics?.auditEntries.inc({ action: entry.action, outcome: entry.outcome });
  }

  /**
   * One action by one actor on many people at once (a page of a list): a single
   * `audit.entry-batch.recorded.v1` naming every subject, which the audit log records as one entry per
   * subject. One outbox row and one Kafka message instead of one per person. Nothing for no subjects.
   */
  async recordForMany(
    manager: EntityManager,
    entry: Omit<AuditEntry, 'resourceId'>,
    tenantId: string,
    subjects: { subjectId: string; resourceId: string }[],
  ): Promise<void> {
    if (subjects.length === 0) return;
    const { requestId, sourceAddress } = this.origin(entry);
    await this.outbox.add(
      manager,
      auditEntryBatchRecordedV1,
      { ...entry, subjects, requestId, sourceAddress },
      { tenantId, subjectId: null },
    );
    this.metrics?.auditEntries.inc({ action: entry.action, outcome: entry.outcome }, subjects.length);
  }

  private origin(entry: Partial<Pick<AuditEntryRecordedV1, 'requestId' | 'sourceAddress'>>) {
    const ctx = requestContext.get();
    const requestId = entry.requestId ?? ctx?.requestId;
    const sourceAddress = normaliseIpAddress(entry.sourceAddress ?? ctx?.sourceAddress);
    if (!requestId || !sourceAddress) {
      // An entry without them is not a valid NEN 7513 record: a programming error, not a user's.
      throw new Error('An audit entry needs a request id and a source address (none in the request context)');
    }
    return { requestId, sourceAddress };
  }
}
