import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '@therapy-room/auth';
import { AuditedAccess, Clock, PLATFORM_CONFIG, ValidationException } from '@therapy-room/platform';
import type { ContentConfig } from '../content.config';
import { notFound } from '../common/content.exception';
import { ClientAccess } from '../assignments/client-access.service';
import { ReportsRepository } from '../reports/reports.repository';
import { ReportsService } from '../reports/reports.service';
import { SharingRepository, type ShareRow } from './sharing.repository';
import type { CreateShareDto } from './dto/sharing.dto';

const DAY_MS = 24 * 60 * 60 * 1000;
const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export type ShareStatus = 'active' | 'revoked' | 'expired';
export const shareStatus = (s: Pick<ShareRow, 'revoked_at' | 'expires_at'>, at: Date): ShareStatus =>
  s.revoked_at ? 'revoked' : new Date(s.expires_at) <= at ? 'expired' : 'active';

/**
 * A client shares a report with someone outside the care team (a parent, a specialist) through a
 * link: a random token shown once, stored only as its SHA-256, that opens only that client's report
 * (only the tools chosen) until it expires or the client revokes it. Opening it needs no account;
 * each opening is audited in the client's record.
 */
@Injectable()
export class SharingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shares: SharingRepository,
    private readonly reports: ReportsService,
    private readonly reportTools: ReportsRepository,
    private readonly access: ClientAccess,
    private readonly audit: AuditedAccess,
    @Inject(PLATFORM_CONFIG) private readonly config: ContentConfig,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, clientId: string, dto: CreateShareDto) {
    await this.access.standing(actor, clientId, ['self'], {
      action: 'content.share',
      resource: 'content.report_share',
      resourceId: null,
    });
    const max = this.config.CONTENT_SHARE_MAX_DAYS;
    if (dto.days > max) throw new ValidationException([{ path: 'days', message: `must be at most ${max}` }]);
    if (dto.toolIds) {
      const own = new Set(await this.reportTools.reportTools(actor.tenantId, clientId));
      const errors = dto.toolIds.flatMap((t, i) =>
        own.has(t) ? [] : [{ path: `toolIds.${i}`, message: 'is not one of your diaries or questionnaires' }],
      );
      if (errors.length) throw new ValidationException(errors);
    }
    const token = randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (manager) => {
      const share = await this.shares.insert(manager, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        clientId,
        tokenHash: hashToken(token),
        toolIds: dto.toolIds ? [...new Set(dto.toolIds)] : null,
        expiresAt: new Date(this.clock.now().getTime() + dto.days * DAY_MS),
      });
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.share',
        resource: 'content.report_share',
        resourceId: share.id,
        subjectId: clientId,
        basis: 'self',
      });
      // The token is shown this once; only its hash is kept.
      return { ...this.view(share), token };
    });
  }

  async list(actor: Actor, clientId: string) {
    await this.access.standing(actor, clientId, ['self'], {
      action: 'content.read',
      resource: 'content.report_share',
      resourceId: null,
    });
    return { items: (await this.shares.list(actor.tenantId, clientId)).map((s) => this.view(s)) };
  }

  async revoke(actor: Actor, clientId: string, shareId: string): Promise<void> {
    await this.access.standing(actor, clientId, ['self'], {
      action: 'content.share_revoke',
      resource: 'content.report_share',
      resourceId: shareId,
    });
    const share = await this.shares.find(shareId);
    if (!share || share.client_id !== clientId || share.tenant_id !== actor.tenantId) throw notFound();
    await this.dataSource.transaction(async (manager) => {
      await this.shares.revoke(manager, share.id);
      await this.audit.succeeded(manager, {
        actor,
        action: 'content.share_revoke',
        resource: 'content.report_share',
        resourceId: share.id,
        subjectId: share.client_id,
        tenantId: share.tenant_id,
        basis: 'self',
      });
    });
  }

  /**
   * The recipient's view: only that report, only while the grant is active; otherwise 404 (no hint
   * why). The recipient sees what the client may see, never more: no scores of a questionnaire whose
   * scores the organisation keeps from its clients.
   */
  async open(token: string) {
    const share = await this.shares.active(hashToken(token), this.clock.now());
    if (!share) throw notFound();
    const report = await this.reports.build(
      {
        tenantId: share.tenant_id,
        clientId: share.client_id,
        toolIds: share.tool_ids,
        from: null,
        to: null,
      },
      'client',
    );
    await this.dataSource.transaction(async (manager) => {
      await this.shares.opened(manager, share.id);
      await this.audit.succeeded(manager, {
        actor: null,
        action: 'content.share_open',
        resource: 'content.report_share',
        resourceId: share.id,
        subjectId: share.client_id,
        tenantId: share.tenant_id,
        basis: 'shared_report',
      });
    });
    const { clientId: _clientId, ...rest } = report;
    return { ...rest, expiresAt: iso(share.expires_at) };
  }

  private view(s: ShareRow) {
    const now = this.clock.now();
    return {
      id: s.id,
      toolIds: s.tool_ids,
      createdAt: iso(s.created_at),
      expiresAt: iso(s.expires_at),
      revokedAt: iso(s.revoked_at),
      lastOpenedAt: iso(s.last_opened_at),
      status: shareStatus(s, now),
    };
  }
}
