import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { DataSource, type EntityManager } from 'typeorm';
import {
  caseloadAssignmentGrantedV1,
  caseloadAssignmentRevokedV1,
  contentSessionCompletedV1,
  identityUserSignedInV1,
  messagingMessageSentV1,
} from '@therapy-room/contracts';
import { EventConsumer, OnEvent, type IncomingMessage } from '@therapy-room/platform';
import { ActivityRepository } from './activity.repository';

/**
 * The end-of-treatment projection: caseload assignments (started, ended) and a client's activity
 * (signed in, completed work, sent a message). Every effect is idempotent by itself (keyed by grant,
 * `greatest` of times), so these handlers run beside the caseload read model's handlers of the same
 * topics without an inbox row of their own (one event id has one inbox row per service).
 */
@Controller()
export class ActivityConsumer {
  constructor(
    private readonly events: EventConsumer,
    private readonly activity: ActivityRepository,
    private readonly dataSource: DataSource,
  ) {}

  private apply(run: (manager: EntityManager) => Promise<void>) {
    return this.dataSource.transaction(run);
  }

  @OnEvent(caseloadAssignmentGrantedV1)
  onGranted(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(caseloadAssignmentGrantedV1, message, (event) =>
      event.payload.kind === 'assignment'
        ? this.apply((m) =>
            this.activity.assignmentStarted(m, event.tenantId, event.payload.clientId, event.payload.grantId),
          )
        : undefined,
    );
  }

  @OnEvent(caseloadAssignmentRevokedV1)
  onRevoked(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(caseloadAssignmentRevokedV1, message, (event) =>
      event.payload.kind === 'assignment'
        ? this.apply((m) =>
            this.activity.assignmentEnded(
              m,
              event.payload.clientId,
              event.payload.grantId,
              new Date(event.occurredAt),
            ),
          )
        : undefined,
    );
  }

  @OnEvent(identityUserSignedInV1)
  onSignedIn(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(identityUserSignedInV1, message, (event) =>
      event.payload.role === 'client'
        ? this.apply((m) =>
            this.activity.active(m, event.tenantId, event.payload.userId, new Date(event.occurredAt)),
          )
        : undefined,
    );
  }

  @OnEvent(contentSessionCompletedV1)
  onSessionCompleted(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(contentSessionCompletedV1, message, (event) =>
      this.apply((m) =>
        this.activity.active(m, event.tenantId, event.payload.clientId, new Date(event.occurredAt)),
      ),
    );
  }

  @OnEvent(messagingMessageSentV1)
  onMessageSent(@Payload() message: IncomingMessage) {
    return this.events.handleIdempotent(messagingMessageSentV1, message, (event) =>
      event.payload.senderId === event.payload.clientId
        ? this.apply((m) =>
            this.activity.active(m, event.tenantId, event.payload.clientId, new Date(event.occurredAt)),
          )
        : undefined,
    );
  }
}
