import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ErasureCounts } from '@therapy-room/contracts';
import { AuditEmitter } from '@therapy-room/platform';
import type { SubjectRequest, SubjectRightsParticipant } from '@therapy-room/data-protection';
import { SessionsService } from '../sessions/sessions.service';
import { accountKey } from '../sessions/policies/login-throttle.policy';
import { ErasureRepository } from './erasure.repository';

/**
 * Identity's part of the erasure saga (libs/data-protection runs it in the request's inbox transaction
 * and confirms): deletes every row about the subject (account with its credentials, sessions,
 * failed-login counters). A subject identity does not know in the request's organisation (already
 * erased, or never an account here) is confirmed all the same.
 */
@Injectable()
export class ErasureService implements SubjectRightsParticipant {
  constructor(
    private readonly erasure: ErasureRepository,
    private readonly sessions: SessionsService,
    private readonly audit: AuditEmitter,
  ) {}

  async erase(request: SubjectRequest, manager: EntityManager): Promise<ErasureCounts> {
    const user = await this.erasure.findSubject(request.tenantId, request.subjectId, manager);
    if (!user) return { accounts: 0, sessions: 0 };
    await this.sessions.revokeAllForUser(user.id, 'erased', manager);
    const deleted = await this.erasure.deleteSubject(
      user.id,
      accountKey({ tenantId: user.tenantId }, user.email),
      manager,
    );
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
      { tenantId: request.tenantId, subjectId: user.id },
    );
    return deleted;
  }
}
