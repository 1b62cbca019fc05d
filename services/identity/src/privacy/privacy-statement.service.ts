import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { identityPrivacyStatementPublishedV1 } from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PLATFORM_LOGGER } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { Clock } from '@therapy-room/platform';
import { TenantsRepository } from '../tenants/tenants.repository';
import { PrivacyStatementRepository } from './privacy-statement.repository';
import { PrivacyErrorCode, PrivacyException } from './privacy.exception';
import type {
  AcknowledgePrivacyStatementDto,
  PrivacyGate,
  PrivacyStatementDto,
  PublishPrivacyStatementDto,
} from './dto/privacy-statement.dto';

/**
 * The organisation's privacy statement: org admins publish versions (1, 2, …), everyone must
 * acknowledge the current one before anything else works (the gateway holds them at the gate, see
 * `gate`). An organisation that has published no statement has no gate.
 */
@Injectable()
export class PrivacyStatementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PrivacyStatementRepository,
    private readonly tenants: TenantsRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  /** Publishes the next version and tells the gateways, which re-gate the tenant's sessions. */
  async publish(actor: Actor, dto: PublishPrivacyStatementDto): Promise<PrivacyStatementDto> {
    if (!actor.roles.includes('org_admin')) {
      throw new PrivacyException(
        PrivacyErrorCode.Forbidden,
        'Only organisation administrators can publish the privacy statement.',
      );
    }
    const publishedAt = this.clock.now();
    const version = await this.dataSource.transaction(async (manager) => {
      // The tenant row lock serialises publications, so two admins cannot both take version n + 1.
      if (!(await this.tenants.findByIdForUpdate(actor.tenantId, manager))) {
        throw new PrivacyException(PrivacyErrorCode.Forbidden, 'Forbidden.');
      }
      const next = ((await this.repository.findCurrent(actor.tenantId, manager))?.version ?? 0) + 1;
      await this.repository.insert(
        { tenantId: actor.tenantId, version: next, text: dto.text, publishedAt, publishedBy: actor.userId },
        manager,
      );
      await this.outbox.add(
        manager,
        identityPrivacyStatementPublishedV1,
        { version: next },
        {
          tenantId: actor.tenantId,
          subjectId: null,
        },
      );
      await this.audit.record(
        manager,
        {
          action: 'privacy.publish',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: 'org_admin',
          resource: 'privacy_statement',
          resourceId: String(next),
        },
        { tenantId: actor.tenantId },
      );
      return next;
    });
    this.logger.info({ tenantId: actor.tenantId, version }, 'privacy statement published');
    return {
      version,
      text: dto.text,
      publishedAt: publishedAt.toISOString(),
      publishedBy: actor.userId,
      acknowledged: false,
    };
  }

  /** The current version, for any user of the organisation; 404 when none has been published. */
  async current(actor: Actor): Promise<PrivacyStatementDto> {
    const statement = await this.repository.findCurrent(actor.tenantId);
    if (!statement) {
      throw new PrivacyException(
        PrivacyErrorCode.NoStatement,
        'Your organisation has not published a privacy statement.',
      );
    }
    return {
      version: statement.version,
      text: statement.text,
      publishedAt: new Date(statement.publishedAt).toISOString(),
      publishedBy: statement.publishedBy,
      acknowledged: await this.repository.hasAcknowledged(actor.userId, statement.version),
    };
  }

  /** Stores (user, version, time) for the current version only; any other version is a 409. */
  async acknowledge(
    actor: Actor,
    dto: AcknowledgePrivacyStatementDto,
  ): Promise<{ version: number; acknowledgedAt: string }> {
    const at = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const current = await this.repository.findCurrent(actor.tenantId, manager);
      if (!current || current.version !== dto.version) {
        throw new PrivacyException(
          PrivacyErrorCode.NotCurrent,
          'This is not the current version of the privacy statement. Read the current one first.',
        );
      }
      await this.repository.acknowledge(
        { userId: actor.userId, tenantId: actor.tenantId, version: dto.version, at },
        manager,
      );
      await this.audit.record(
        manager,
        {
          action: 'privacy.acknowledge',
          outcome: 'success',
          actorId: actor.userId,
          actorRole: actor.roles[0],
          resource: 'privacy_statement',
          resourceId: String(dto.version),
        },
        { tenantId: actor.tenantId, subjectId: actor.userId },
      );
    });
    return { version: dto.version, acknowledgedAt: at.toISOString() };
  }

  /** What session resolution tells the gateway: no statement, no gate. */
  async gate(tenantId: string, userId: string): Promise<PrivacyGate> {
    const { version, acknowledged } = await this.repository.gate(tenantId, userId);
    return {
      privacyAcknowledgementRequired: version !== null && !acknowledged,
      privacyStatementVersion: version,
    };
  }
}
