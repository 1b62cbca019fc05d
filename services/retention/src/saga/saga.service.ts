import { Inject, Injectable } from '@nestjs/common';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  erasureParticipants,
  exportParticipants,
  retentionErasureRequestedV1,
  retentionExportRequestedV1,
} from '@therapy-room/contracts';
import { OutboxService, PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import { PeopleDirectory } from '@therapy-room/people-directory';
import type { RetentionConfig } from '../retention.config';
import { RequestsRepository, type Participant } from '../requests/requests.repository';
import { ExportDocumentError, ExportPackager } from '../exports/export-packager';
import type { SubjectRequest } from '../requests/request';
import { ActivityRepository } from '../activity/activity.repository';
import { SagaMetrics } from './saga-metrics';

/**
 * Drives a request once it runs: the participants come from the contract registry (every
 * `<service>.<saga>.completed.v1`), the request goes out through the outbox, each confirmation is
 * recorded once, and the request completes when everyone confirmed. A participant silent past the
 * timeout is asked again (participants are idempotent); after RETENTION_MAX_ATTEMPTS sendings the
 * request is marked stuck (error log line without personal data, and a metric).
 */
@Injectable()
export class SagaService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly activity: ActivityRepository,
    private readonly people: PeopleDirectory,
    private readonly outbox: OutboxService,
    private readonly metrics: SagaMetrics,
    private readonly packager: ExportPackager,
    @Inject(PLATFORM_CONFIG) private readonly config: RetentionConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  participantsOf(kind: SubjectRequest['kind']): string[] {
    return (kind === 'erasure' ? erasureParticipants() : exportParticipants()).map((p) => p.service);
  }

  /** approved|pending → running: participants recorded, the request published (first sending). */
  async start(
    manager: EntityManager,
    r: SubjectRequest,
    by: string | null,
    now: Date,
  ): Promise<SubjectRequest> {
    await this.requests.addParticipants(manager, r.id, this.participantsOf(r.kind));
    const running = await this.requests.move(manager, r, 'running', by, now);
    await this.send(manager, running, now);
    return running;
  }

  /** Publishes the request (again); the participants that already confirmed ignore it or confirm again. */
  async send(manager: EntityManager, r: SubjectRequest, now: Date): Promise<void> {
    if (!r.subjectId) throw new Error(`request ${r.id} has no subject`);
    const envelope = { tenantId: r.tenantId, subjectId: r.subjectId };
    if (r.kind === 'erasure') {
      await this.outbox.add(
        manager,
        retentionErasureRequestedV1,
        { requestId: r.id, reason: r.reason },
        envelope,
      );
    } else {
      await this.outbox.add(
        manager,
        retentionExportRequestedV1,
        { requestId: r.id, location: this.exportLocation(r.id) },
        envelope,
      );
    }
    await this.requests.markSent(manager, r.id, now);
  }

  exportsConfigured(): boolean {
    return Boolean(this.config.EXPORT_ROOT);
  }

  exportLocation(requestId: string): string {
    if (!this.config.EXPORT_ROOT) throw new Error('EXPORT_ROOT is not configured');
    return pathToFileURL(join(this.config.EXPORT_ROOT, requestId)).href;
  }

  /**
   * A participant's confirmation, in the inbox transaction of its event. A confirmation of a request
   * of another organisation or subject is refused (thrown: the caller dead-letters it).
   */
  async confirm(
    manager: EntityManager,
    confirmation: {
      requestId: string;
      service: string;
      tenantId: string;
      subjectId: string | null;
      counts: Record<string, number> | null;
      document?: { file: string; sha256: string } | null;
    },
    now: Date,
  ): Promise<'confirmed' | 'duplicate' | 'unknown' | 'packed'> {
    const r = await this.requests.lockById(manager, confirmation.requestId);
    if (!r) return 'unknown';
    if (
      r.tenantId !== confirmation.tenantId ||
      (r.subjectId !== null && r.subjectId !== confirmation.subjectId)
    ) {
      throw new ConfirmationMismatchError();
    }
    if (r.state !== 'running') return 'duplicate';
    const first = await this.requests.confirm(
      manager,
      r.id,
      confirmation.service,
      now,
      confirmation.counts,
      confirmation.document ?? null,
    );
    if (!first) return 'duplicate';
    const participants = await this.requests.participants(r.id, manager);
    if (participants.some((p) => !p.confirmedAt)) return 'confirmed';
    return this.complete(manager, r, participants, now);
  }

  private async complete(
    manager: EntityManager,
    r: SubjectRequest,
    participants: Participant[],
    now: Date,
  ): Promise<'confirmed' | 'packed'> {
    if (r.kind === 'export') {
      try {
        await this.packager.pack(manager, r, participants, now);
      } catch (err) {
        if (!(err instanceof ExportDocumentError)) throw err;
        await this.requests.move(manager, r, 'failed', null, now, { completed_at: now });
        this.logger.error(
          { requestId: r.id, reason: err.message },
          'export failed: a document could not be packed',
        );
        return 'confirmed';
      }
      await this.requests.move(manager, r, 'completed', null, now, { completed_at: now });
      this.logger.info({ requestId: r.id, kind: r.kind }, 'request completed');
      return 'packed';
    }
    await this.requests.move(manager, r, 'completed', null, now, { completed_at: now });
    if (r.kind === 'erasure' && r.subjectId) {
      // What retention itself kept about the subject goes too; the request keeps the pseudonym only.
      await this.activity.erase(manager, r.subjectId);
      await this.people.erase(manager, r.subjectId);
      await this.requests.forgetSubject(manager, r.id);
    }
    this.logger.info({ requestId: r.id, kind: r.kind }, 'request completed');
    return 'confirmed';
  }

  /** One pass of the driver over running requests with silent participants (locked, one replica each). */
  async resendSilent(manager: EntityManager, now: Date, limit: number): Promise<number> {
    const before = new Date(now.getTime() - this.config.RETENTION_CONFIRM_TIMEOUT_SECONDS * 1000);
    const silent = await this.requests.silent(manager, before, limit);
    for (const r of silent) {
      if (r.attempts >= this.config.RETENTION_MAX_ATTEMPTS) {
        await this.requests.markStuck(manager, r.id, now);
        const waiting = (await this.requests.participants(r.id, manager))
          .filter((p) => !p.confirmedAt)
          .map((p) => p.service);
        this.metrics.stuck.inc({ kind: r.kind });
        // Ids and service names only: no subject, no personal data.
        this.logger.error(
          { requestId: r.id, kind: r.kind, attempts: r.attempts, waitingFor: waiting },
          'retention request stuck: participants did not confirm',
        );
        continue;
      }
      await this.send(manager, r, now);
      this.metrics.resent.inc({ kind: r.kind });
    }
    return silent.length;
  }
}

/** A confirmation naming a request of another organisation or subject. */
export class ConfirmationMismatchError extends Error {
  constructor() {
    super('the confirmation does not match the request (organisation or subject)');
    this.name = 'ConfirmationMismatchError';
  }
}
