import { z } from 'zod';
import { defineEvent } from '../define-event';
import { userRoleSchema } from '../identity/user-registered.v1';
import {
  auditActionSchema,
  auditEntryContextShape,
  auditOutcomeSchema,
  auditResourceSchema,
} from './entry-recorded.v1';

/** The most subjects one batch names (a page of a list is at most a few hundred). */
export const AUDIT_BATCH_MAX_SUBJECTS = 500;

export const auditEntryBatchRecordedV1 = defineEvent({
  topic: 'audit.entry-batch.recorded.v1',
  description:
    'One action by one actor, with one outcome, on several people at once (e.g. a page of a caseload ' +
    'list): the audit log keeps one record per subject, exactly as if each had come as ' +
    'audit.entry.recorded.v1. One event instead of one per person keeps list pages cheap. Ids and facts ' +
    'only; the envelope subjectId is null (the subjects are in the payload).',
  payload: z.object({
    action: auditActionSchema,
    outcome: auditOutcomeSchema,
    actorId: z.uuid().nullable(),
    actorRole: userRoleSchema.nullable(),
    resource: auditResourceSchema,
    /** Each person the action touched, with the id of what was touched of theirs. */
    subjects: z
      .array(z.object({ subjectId: z.uuid(), resourceId: z.string().min(1).max(128) }).strict())
      .min(1)
      .max(AUDIT_BATCH_MAX_SUBJECTS),
    sourceAddress: z.union([z.ipv4(), z.ipv6()]),
    requestId: z.string().min(1).max(128),
    ...auditEntryContextShape,
  }),
});
export type AuditEntryBatchRecordedV1 = z.infer<typeof auditEntryBatchRecordedV1.payload>;
