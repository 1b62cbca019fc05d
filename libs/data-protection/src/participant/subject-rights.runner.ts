import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  contractFor,
  type ErasureCounts,
  type EventContract,
  type MessageOf,
  type retentionErasureRequestedV1,
  type retentionExportRequestedV1,
} from '@therapy-room/contracts';
import {
  Clock,
  OutboxService,
  PLATFORM_CONFIG,
  PermanentEventError,
  type BaseConfig,
} from '@therapy-room/platform';
import type { DataProtectionConfig } from '../data-protection.config';
import { SubjectDataCipher } from '../subject-data-cipher';
import { ExportLocationError, writeSubjectExport } from '../subject-export';
import {
  SUBJECT_RIGHTS_PARTICIPANT,
  type SubjectRequest,
  type SubjectRightsParticipant,
} from './subject-rights-participant';

/**
 * The part of every service's erasure and export that is the same everywhere, around the service's
 * participant, in the inbox transaction of the request:
 * - erasure: the participant's deletions, then the subject's data key (crypto-shredding: every sealed
 *   copy, in backups and on Kafka, stops opening), the `erased_subject` tombstone (the bare id, so a
 *   late event cannot bring the subject back), the service's parked outbox rows about the subject, and
 *   `<service>.erasure.completed.v1` with the counts, also when the service held nothing;
 * - export: the participant's document written as `<location>/<service>.json` under EXPORT_ROOT and
 *   `<service>.export.completed.v1` naming the file and its hash.
 */
@Injectable()
export class SubjectRightsRunner {
  constructor(
    @Inject(SUBJECT_RIGHTS_PARTICIPANT) private readonly participant: SubjectRightsParticipant,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig & Partial<DataProtectionConfig>,
    @Optional() private readonly cipher?: SubjectDataCipher,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const request = this.requestOf(event, 'erasure');
    const counts: ErasureCounts = { ...(await this.participant.erase(request, manager)) };
    if (this.cipher) counts.data_keys = (await this.cipher.shred(manager, request.subjectId)) ? 1 : 0;
    await manager.query(`INSERT INTO erased_subject (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`, [
      request.subjectId,
    ]);
    counts.parked_events = await this.purgeParked(manager, request.subjectId);
    await this.outbox.add(
      manager,
      this.contract('erasure'),
      { requestId: request.requestId, counts },
      { tenantId: request.tenantId, subjectId: request.subjectId },
    );
  }

  async export(event: MessageOf<typeof retentionExportRequestedV1>, manager: EntityManager): Promise<void> {
    const request = this.requestOf(event, 'export');
    if (!this.participant.export) throw new PermanentEventError(`${this.service} exports nothing`);
    if (!this.config.EXPORT_ROOT) {
      throw new PermanentEventError(`EXPORT_ROOT is not configured: ${this.service} cannot export`);
    }
    const document = {
      service: this.service,
      subjectId: request.subjectId,
      exportedAt: this.clock.now().toISOString(),
      ...(await this.participant.export(request, manager)),
    };
    let written: { file: string; sha256: string };
    try {
      written = await writeSubjectExport(
        this.config.EXPORT_ROOT,
        event.payload.location,
        this.service,
        document,
      );
    } catch (err) {
      if (err instanceof ExportLocationError) throw new PermanentEventError(err.message);
      throw err;
    }
    await this.outbox.add(
      manager,
      this.contract('export'),
      { requestId: request.requestId, file: written.file, sha256: written.sha256 },
      { tenantId: request.tenantId, subjectId: request.subjectId },
    );
  }

  private get service(): string {
    return this.config.SERVICE_NAME;
  }

  private requestOf(
    event: {
      id: string;
      occurredAt: string;
      tenantId: string;
      subjectId: string | null;
      payload: { requestId: string };
    },
    kind: 'erasure' | 'export',
  ): SubjectRequest {
    if (!event.subjectId) throw new PermanentEventError(`an ${kind} request needs a subjectId`);
    return {
      tenantId: event.tenantId,
      subjectId: event.subjectId,
      requestId: event.payload.requestId,
      eventId: event.id.toLowerCase(),
      requestedAt: new Date(event.occurredAt),
    };
  }

  /** `<service>.erasure.completed.v1` / `.export.completed.v1` from the one registry. */
  private contract(kind: 'erasure' | 'export'): EventContract {
    const topic = `${this.service}.${kind}.completed.v1`;
    const contract = contractFor(topic);
    if (!contract) throw new Error(`no contract ${topic}: every participant confirms with one`);
    return contract;
  }

  /**
   * Events the relay gave up on are the only outbox rows that stay: those about the subject go with
   * them (the ones still to be sent are ids and sealed values, and the confirmation must follow them).
   */
  private async purgeParked(manager: EntityManager, subjectId: string): Promise<number> {
    const [, affected] = (await manager.query(
      `DELETE FROM outbox WHERE parked_at IS NOT NULL AND (message::jsonb ->> 'subjectId') = $1`,
      [subjectId],
    )) as [unknown[], number];
    return affected;
  }
}
