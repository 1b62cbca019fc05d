import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorKind, type Actor } from '@therapy-room/auth';
import { RetentionErrorCode, RetentionException, forbidden, notFound } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { RequestsRepository } from './requests.repository';
import type { Certificate } from './dto/requests.dto';

/**
 * The erasure certificate of a completed erasure (org admins): request id, the subject's pseudonym,
 * when each participant confirmed and what it deleted. No personal data. Reading it is audited.
 */
@Injectable()
export class CertificateService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsRepository,
    private readonly audit: RetentionAudit,
  ) {}

  async of(actor: Actor, id: string): Promise<Certificate> {
    if (actorKind(actor) !== 'org_admin')
      throw forbidden("Only the organisation's administrators read certificates.");
    const r = await this.requests.find(actor.tenantId, id);
    if (!r || r.kind !== 'erasure') throw notFound();
    if (r.state !== 'completed' || !r.completedAt) {
      throw new RetentionException(RetentionErrorCode.WrongState, 'The erasure has not completed yet.');
    }
    const participants = await this.requests.participants(r.id);
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        action: 'retention.certificate_read',
        tenantId: r.tenantId,
        subjectId: null,
        resource: 'retention.certificate',
        resourceId: r.id,
        basis: 'organisation_admin',
        sensitivity: 'none',
      }),
    );
    return {
      requestId: r.id,
      subjectPseudonym: r.subjectPs,
      reason: r.reason,
      requestedAt: r.requestedAt.toISOString(),
      approvedAt: r.approvedAt ? r.approvedAt.toISOString() : null,
      completedAt: r.completedAt.toISOString(),
      participants: participants.map((p) => ({
        service: p.service,
        confirmedAt: p.confirmedAt!.toISOString(),
        counts: p.counts,
      })),
    };
  }
}
