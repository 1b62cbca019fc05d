import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import type { ErasureCounts } from '@therapy-room/contracts';
import {
  SubjectDataCipher,
  type SubjectRequest,
  type SubjectRightsParticipant,
} from '@therapy-room/data-protection';
import { AuditedAccess, PermanentEventError } from '@therapy-room/platform';
import { sealedField } from '../common/sealed-fields';
import { SealedValues } from '../common/sealed-values';
import { WorkRepository } from '../work/work.repository';
import { ErasureRepository } from './erasure.repository';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Content's part of the erasure and export sagas (libs/data-protection runs both in the request's
 * inbox transaction, shreds the client's data key, keeps the tombstone so nothing is assigned to them
 * again, and confirms). The request names its organisation: a subject whose work content holds in
 * another organisation is refused (dead-letter queue with the reason) and nothing is touched. Erasure
 * deletes every row about the client, and the subject's grants in content's copy of caseload's (as
 * client or professional, ended or not); export answers everything content keeps about them, texts and
 * values opened, for `<location>/content.json`.
 */
@Injectable()
export class ErasureService implements SubjectRightsParticipant {
  constructor(
    private readonly erasure: ErasureRepository,
    private readonly cipher: SubjectDataCipher,
    private readonly sealed: SealedValues,
    private readonly work: WorkRepository,
    private readonly audit: AuditedAccess,
    private readonly caseload: CaseloadAccess,
  ) {}

  async erase({ tenantId, subjectId }: SubjectRequest, manager: EntityManager): Promise<ErasureCounts> {
    if (await this.elsewhere(manager, tenantId, subjectId)) {
      throw new PermanentEventError("the erasure request's subject belongs to another organisation");
    }
    const counts = {
      ...(await this.erasure.eraseClient(manager, subjectId)),
      // Content's copy of caseload's grants, ended ones too: who saw the client, and when.
      caseload_access_grant: await this.caseload.erase(manager, tenantId, subjectId),
    };
    if (Object.values(counts).some((n) => n > 0)) {
      await this.audit.succeeded(manager, {
        actor: null,
        action: 'content.erase',
        resource: 'content.subject',
        resourceId: subjectId,
        subjectId,
        tenantId,
        basis: 'system',
      });
    }
    return counts;
  }

  async export({ tenantId, subjectId }: SubjectRequest, manager: EntityManager) {
    if (await this.elsewhere(manager, tenantId, subjectId)) {
      throw new PermanentEventError("the export request's subject belongs to another organisation");
    }
    const data = await this.collect(manager, subjectId);
    await this.audit.succeeded(manager, {
      actor: null,
      action: 'content.export',
      resource: 'content.subject',
      resourceId: subjectId,
      subjectId,
      tenantId,
      basis: 'system',
    });
    return data;
  }

  /** Whether content holds anything of the subject (work, shares, a data key) in another organisation. */
  private async elsewhere(manager: EntityManager, tenantId: string, subjectId: string): Promise<boolean> {
    if ((await this.erasure.otherTenantsOf(manager, tenantId, subjectId)).length) return true;
    return (await this.cipher.tenantsOf(subjectId)).some((t) => t !== tenantId);
  }

  /** Everything content keeps about the subject, texts decrypted, grouped by tool. */
  private async collect(manager: EntityManager, subjectId: string) {
    const open = (field: string, sealed: Buffer) => this.cipher.decrypt(subjectId, field, sealed, manager);
    const [assignments, answers, sessions, entries, responses, feedback, shares] = await Promise.all([
      this.erasure.assignments(manager, subjectId),
      this.erasure.answers(manager, subjectId),
      this.erasure.completedSessions(manager, subjectId),
      this.erasure.diaryEntries(manager, subjectId),
      this.erasure.responses(manager, subjectId),
      this.erasure.feedback(manager, subjectId),
      this.erasure.shares(manager, subjectId),
    ]);
    const tools = [];
    for (const a of assignments) {
      const mine = <T extends { assignment_id: string }>(rows: T[]) =>
        rows.filter((r) => r.assignment_id === a.id);
      tools.push({
        assignmentId: a.id,
        toolId: a.tool_id,
        toolKey: a.tool_key,
        kind: a.kind,
        title: a.title,
        revision: a.revision,
        sessions: a.sessions,
        stepSizes: a.step_sizes,
        supported: a.supported,
        everyDays: a.every_days,
        status: a.status,
        assignedAt: iso(a.created_at),
        withdrawnAt: iso(a.withdrawn_at),
        answers: await Promise.all(
          mine(answers).map(async (x) => ({
            sessionKey: x.session_key,
            pageKey: x.page_key,
            blockKey: x.block_key,
            value: x.sealed_text
              ? await open(sealedField.answer(a.id, x.session_key, x.page_key, x.block_key), x.sealed_text)
              : x.sealed_value
                ? await this.sealed.open(
                    subjectId,
                    sealedField.answerValue(a.id, x.session_key, x.page_key, x.block_key),
                    x.sealed_value,
                    manager,
                  )
                : x.value,
            updatedAt: iso(x.updated_at),
          })),
        ),
        completedSessions: mine(sessions).map((s) => ({
          sessionKey: s.session_key,
          completedAt: iso(s.completed_at),
        })),
        diaryEntries: await Promise.all(
          mine(entries).map(async (e) => ({
            recordedAt: iso(e.recorded_at),
            values: {
              ...e.value,
              ...(e.sealed_text
                ? (JSON.parse(await open(sealedField.diaryEntry(e.id), e.sealed_text)) as object)
                : {}),
            },
          })),
        ),
        responses: await Promise.all(
          mine(responses).map(async (row) => {
            const r = await this.work.openResponse(row, manager);
            return {
              submittedAt: iso(r.submitted_at),
              answers: r.answers,
              total: r.total,
              subscales: r.subscales,
              band: r.band,
              flags: r.flags,
            };
          }),
        ),
        feedback: await Promise.all(
          mine(feedback).map(async (f) => ({
            sessionKey: f.session_key,
            authorId: f.author_id,
            text: await open(sealedField.feedback(f.id), f.sealed_text),
            createdAt: iso(f.created_at),
          })),
        ),
      });
    }
    return {
      tools,
      reportShares: shares.map((share) => ({
        id: share.id,
        toolIds: share.tool_ids,
        createdAt: iso(share.created_at),
        expiresAt: iso(share.expires_at),
        revokedAt: iso(share.revoked_at),
        lastOpenedAt: iso(share.last_opened_at),
      })),
    };
  }
}
