import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { retentionPolicyChangedV1 } from '@therapy-room/contracts';
import { Clock, EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { IdleAccountsRepository } from './idle-accounts.repository';

/**
 * The organisation's idle-account rule is part of its retention policy (retention owns it, org admins
 * set it there: `PUT /api/retention/policy`, `idleDays`); identity keeps the copy its sweep reads, from
 * `retention.policy.changed.v1`, in the event's inbox transaction.
 */
@Controller()
export class IdleRuleConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly idle: IdleAccountsRepository,
    private readonly clock: Clock,
  ) {}

  @OnEvent(retentionPolicyChangedV1)
  onPolicyChanged(@Payload() message: IncomingMessage) {
    return this.events.handle(retentionPolicyChangedV1, message, (event, manager) =>
      this.idle.setSettings(manager, event.tenantId, event.payload.idleDays, this.clock.now()),
    );
  }
}
