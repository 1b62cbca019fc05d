import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  identityErasureCompletedV1,
  type MessageOf,
  type retentionErasureRequestedV1,
} from '@therapy-room/contracts';
import { AuditEmitter, OutboxService, PermanentEventError } from '@therapy-room/platform';
import { SessionsService } from '../sessions/sessions.service';
import { accountKey } from '../sessions/policies/login-throttle.policy';
import { ErasureRepository } from './erasure.repository';

/**
 * Identity's part of the erasure saga: deletes every row about the subject (account with its
 * credentials, sessions, failed-login counters) and confirms, in the inbox transaction of the
 * request event, so a redelivered request has no second effect. A subject identity does not know
 * (already erased, or never an account here) is confirmed all the same.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly erasure: ErasureRepository,
    private readonly sessions: SessionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
  ) {}

  async erase(event: MessageOf<typeof retentionErasureRequestedV1>, manager: EntityManager): Promise<void> {
    const subjectId = event.subjectId;
    if (!subjectId) throw new PermanentEventError('an erasure request needs a subjectId');
    const user = await this.erasure.findSubject(event.tenantId, subjectId, manager);
    if (user) {
      await this.sessions.revokeAllForUser(user.id, 'erased', manager);
      await this.erasure.deleteSubject(user.id, accountKey({ tenantId: user.tenantId }, user.email), manager);
      await this.audit.record(
        manager,
        {
          action: 'user.erase',
          outcome: 'success',
          actorId: null,
          actorRole: null,
          resource: 'user',
          resourceId: user.id,
        },
        { tenantId: event.tenantId, subjectId: user.id },
      );
    }
    await this.outbox.add(
      manager,
      identityErasureCompletedV1,
      { requestId: event.payload.requestId },
      { tenantId: event.tenantId, subjectId },
    );
  }
}
