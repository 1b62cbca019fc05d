import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { identityTenantCreatedV1 } from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';

/** Organisations' slugs, so that `audit verify --tenant <slug>` needs no id. */
@Controller()
export class TenantConsumer {
  constructor(private readonly events: EventConsumer) {}

  @OnEvent(identityTenantCreatedV1)
  onTenantCreated(@Payload() message: IncomingMessage) {
    return this.events.handle(identityTenantCreatedV1, message, async (event, manager) => {
      await manager.query(
        `INSERT INTO tenant (id, slug) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug`,
        [event.payload.tenantId, event.payload.slug],
      );
    });
  }
}
