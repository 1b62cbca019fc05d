import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import { forbidden, notFound } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { ClientAccess } from '../requests/client-access';
import { LegalHoldRepository } from './legal-hold.repository';

export interface LegalHoldView {
  clientId: string;
  held: boolean;
  reason: string | null;
  placedBy: string | null;
  placedAt: string | null;
}

/**
 * A legal hold (org admins): while it exists no erasure of the client is approved, started by the
 * grace period's end, or raised by the expiry sweep. Placing and lifting are audited; the reason stays
 * in retention's table (free text never travels in an event).
 */
@Injectable()
export class LegalHoldService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: LegalHoldRepository,
    private readonly access: ClientAccess,
    private readonly audit: RetentionAudit,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor, clientId: string): Promise<LegalHoldView> {
    await this.admin(actor, clientId);
    const hold = await this.holds.of(actor.tenantId, clientId);
    return {
      clientId,
      held: hold !== null,
      reason: hold?.reason ?? null,
      placedBy: hold?.placedBy ?? null,
      placedAt: hold ? hold.placedAt.toISOString() : null,
    };
  }

  async place(actor: Actor, clientId: string, reason: string): Promise<LegalHoldView> {
    await this.admin(actor, clientId);
    await this.dataSource.transaction(async (manager) => {
      await this.holds.place(manager, actor.tenantId, clientId, {
        reason,
        placedBy: actor.userId,
        placedAt: this.clock.now(),
      });
      await this.record(manager, actor, clientId, 'retention.legal_hold');
    });
    return this.get(actor, clientId);
  }

  async lift(actor: Actor, clientId: string): Promise<LegalHoldView> {
    await this.admin(actor, clientId);
    await this.dataSource.transaction(async (manager) => {
      if (await this.holds.lift(manager, actor.tenantId, clientId)) {
        await this.record(manager, actor, clientId, 'retention.legal_hold_lift');
      }
    });
    return this.get(actor, clientId);
  }

  private async admin(actor: Actor, clientId: string) {
    if (actorKind(actor) !== 'org_admin')
      throw forbidden("Only the organisation's administrators place legal holds.");
    await this.access.knownClient(actor.tenantId, clientId).catch(() => {
      throw notFound();
    });
  }

  private record(
    manager: Parameters<RetentionAudit['record']>[0],
    actor: Actor,
    clientId: string,
    action: 'retention.legal_hold' | 'retention.legal_hold_lift',
  ) {
    return this.audit.record(manager, actor, {
      action,
      tenantId: actor.tenantId,
      subjectId: clientId,
      resource: 'retention.legal_hold',
      resourceId: clientId,
      basis: 'organisation_admin',
    });
  }
}
