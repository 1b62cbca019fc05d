import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  type CaseloadGrantKind,
} from '@therapy-room/contracts';
import { OutboxService } from '@therapy-room/platform';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** Caseload's grant and revocation events, through the outbox in the caller's transaction. */
@Injectable()
export class GrantEvents {
  constructor(private readonly outbox: OutboxService) {}

  async granted(
    manager: EntityManager,
    tenantId: string,
    kind: CaseloadGrantKind,
    grantId: string,
    professionalId: string,
    clientId: string,
    validFrom: Date | null = null,
    validUntil: Date | null = null,
  ): Promise<void> {
    await this.outbox.add(
      manager,
      caseloadAssignmentGrantedV1,
      { grantId, kind, professionalId, clientId, validFrom: iso(validFrom), validUntil: iso(validUntil) },
      { tenantId, subjectId: clientId },
    );
  }

  async revoked(
    manager: EntityManager,
    tenantId: string,
    kind: CaseloadGrantKind,
    grantId: string,
    professionalId: string,
    clientId: string,
    reason: 'removed' | 'moved' | 'erased',
  ): Promise<void> {
    await this.outbox.add(
      manager,
      caseloadAssignmentRevokedV1,
      { grantId, kind, professionalId, clientId, reason },
      { tenantId, subjectId: clientId },
    );
  }
}
