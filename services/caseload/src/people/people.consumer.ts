import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  auditEntryRecordedV1,
  identityUserDeactivatedV1,
  identityUserProfileChangedV1,
  identityUserReactivatedV1,
  identityUserRegisteredV1,
} from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { PeopleRepository } from './people.repository';

/** Keeps caseload's copy of identity's accounts, and clients' last activity, from events. */
@Controller()
export class PeopleConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly people: PeopleRepository,
  ) {}

  @OnEvent(identityUserRegisteredV1)
  onRegistered(@Payload() message: IncomingMessage) {
    return this.events.handle(identityUserRegisteredV1, message, (event, manager) =>
      this.people.registered(manager, {
        id: event.payload.userId,
        tenantId: event.tenantId,
        role: event.payload.role,
        training: event.payload.training ?? false,
      }),
    );
  }

  @OnEvent(identityUserProfileChangedV1)
  onProfileChanged(@Payload() message: IncomingMessage) {
    return this.events.handle(identityUserProfileChangedV1, message, (event, manager) =>
      this.people.profileChanged(manager, {
        id: event.payload.userId,
        tenantId: event.tenantId,
        displayName: event.payload.displayName,
      }),
    );
  }

  @OnEvent(identityUserDeactivatedV1)
  onDeactivated(@Payload() message: IncomingMessage) {
    return this.events.handle(identityUserDeactivatedV1, message, (event, manager) =>
      this.people.statusChanged(manager, {
        id: event.payload.userId,
        tenantId: event.tenantId,
        status: 'deactivated',
        at: event.occurredAt,
      }),
    );
  }

  @OnEvent(identityUserReactivatedV1)
  onReactivated(@Payload() message: IncomingMessage) {
    return this.events.handle(identityUserReactivatedV1, message, (event, manager) =>
      this.people.statusChanged(manager, {
        id: event.payload.userId,
        tenantId: event.tenantId,
        status: 'active',
        at: event.occurredAt,
      }),
    );
  }

  /**
   * A client's last activity is the time of their latest successful audited action (a login, opening
   * a module, sending a message…): every service already audits those, so no extra event is needed.
   * The update only moves forward, so it is idempotent without an inbox row per audit entry.
   */
  @OnEvent(auditEntryRecordedV1)
  onAuditEntry(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(auditEntryRecordedV1, message, async (event) => {
      const { actorId, actorRole, outcome } = event.payload;
      if (actorId && actorRole === 'client' && outcome === 'success') {
        await this.people.active({ id: actorId, tenantId: event.tenantId, at: event.occurredAt });
      }
    });
  }
}
