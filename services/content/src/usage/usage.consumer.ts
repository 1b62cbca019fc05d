import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  contentAssignmentCreatedV1,
  contentQuestionnaireScoredV1,
  contentQuestionnaireScoredV2,
  contentSessionCompletedV1,
} from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { UsageRepository } from './usage.repository';

/**
 * Anonymous usage counts from content's own events (the same counts any analytics consumer could
 * compute): uses per tool, sessions completed, responses, and tools used together. Only tool ids and
 * counters are kept; the inbox makes a redelivered event count once.
 */
@Controller()
export class UsageConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly usage: UsageRepository,
  ) {}

  @OnEvent(contentAssignmentCreatedV1)
  onAssigned(@Payload() message: IncomingMessage) {
    return this.events.handle(contentAssignmentCreatedV1, message, async (event, manager) => {
      await this.usage.increment(manager, event.tenantId, event.payload.toolId, 'assigned');
      await this.usage.incrementPairs(
        manager,
        event.tenantId,
        event.payload.toolId,
        event.payload.activeToolIds,
      );
    });
  }

  @OnEvent(contentSessionCompletedV1)
  onSessionCompleted(@Payload() message: IncomingMessage) {
    return this.events.handle(contentSessionCompletedV1, message, (event, manager) =>
      this.usage.increment(manager, event.tenantId, event.payload.toolId, 'sessions_completed'),
    );
  }

  @OnEvent(contentQuestionnaireScoredV2)
  onScored(@Payload() message: IncomingMessage) {
    return this.events.handle(contentQuestionnaireScoredV2, message, (event, manager) =>
      this.usage.increment(manager, event.tenantId, event.payload.toolId, 'responses'),
    );
  }

  /** What v1 (score in clear, no longer published) still has on its topic is counted as well. */
  @OnEvent(contentQuestionnaireScoredV1)
  onScoredV1(@Payload() message: IncomingMessage) {
    return this.events.handle(contentQuestionnaireScoredV1, message, (event, manager) =>
      this.usage.increment(manager, event.tenantId, event.payload.toolId, 'responses'),
    );
  }
}
