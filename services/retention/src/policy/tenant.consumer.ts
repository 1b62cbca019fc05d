import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { identityTenantCreatedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { PolicyRepository } from './policy.repository';
import { defaultCountryOf } from './retention-policy';

/** A new organisation starts with its region's country defaults. */
@Controller()
export class TenantConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly policies: PolicyRepository,
  ) {}

  @OnEvent(identityTenantCreatedV1)
  onTenantCreated(@Payload() message: IncomingMessage) {
    return this.events.handle(identityTenantCreatedV1, message, (event, manager) =>
      this.policies.createDefault(manager, event.payload.tenantId, defaultCountryOf(event.payload.region)),
    );
  }
}
