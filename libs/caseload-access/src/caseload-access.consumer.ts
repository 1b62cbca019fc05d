import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { caseloadAssignmentGrantedV1, caseloadAssignmentRevokedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { CaseloadAccessRepository } from './caseload-access.repository';

/**
 * Feeds the read model from caseload's grant events, one effect per event id (inbox). Every valid
 * event has an effect that cannot fail on its content: a repeated grant is an upsert, a revocation of
 * an unknown grant is remembered so that the grant, should it come later, stays out.
 */
@Controller()
export class CaseloadAccessConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly grants: CaseloadAccessRepository,
  ) {}

  @OnEvent(caseloadAssignmentGrantedV1)
  onGranted(@Payload() message: IncomingMessage) {
    return this.events.handle(caseloadAssignmentGrantedV1, message, (event, manager) =>
      this.grants.upsertGrant(manager, {
        grantId: event.payload.grantId,
        tenantId: event.tenantId,
        kind: event.payload.kind,
        professionalId: event.payload.professionalId,
        clientId: event.payload.clientId,
        validFrom: event.payload.validFrom,
        validUntil: event.payload.validUntil,
        grantedAt: event.occurredAt,
      }),
    );
  }

  @OnEvent(caseloadAssignmentRevokedV1)
  onRevoked(@Payload() message: IncomingMessage) {
    return this.events.handle(caseloadAssignmentRevokedV1, message, (event, manager) =>
      this.grants.revokeGrant(manager, {
        grantId: event.payload.grantId,
        tenantId: event.tenantId,
        revokedAt: event.occurredAt,
      }),
    );
  }
}
