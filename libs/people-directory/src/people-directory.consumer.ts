import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  identityUserDeactivatedV1,
  identityUserDeactivatedV2,
  identityUserProfileChangedV1,
  identityUserReactivatedV1,
  identityUserRegisteredV1,
} from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { PeopleDirectory } from './people-directory';

/** Keeps the service's copy of identity's accounts from identity's events (one effect per event id: inbox). */
@Controller()
export class PeopleDirectoryConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly people: PeopleDirectory,
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

  // v1 and v2 both, while identity writes both: the same status at the same time, set twice, is one effect.
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

  @OnEvent(identityUserDeactivatedV2)
  onDeactivatedV2(@Payload() message: IncomingMessage) {
    return this.events.handle(identityUserDeactivatedV2, message, (event, manager) =>
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
}
