import { z } from 'zod';
import { defineEvent } from '../define-event';

/** The kinds of tool the content library holds. */
export const contentToolKinds = ['module', 'diary', 'questionnaire'] as const;
export const contentToolKindSchema = z.enum(contentToolKinds);
export type ContentToolKind = z.infer<typeof contentToolKindSchema>;

/** A key from a content definition ('session-2', 'phq9-9', 'self_harm'): an identifier, never free text. */
export const contentKeySchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/);

export const contentAssignmentCreatedV1 = defineEvent({
  topic: 'content.assignment.created.v1',
  description:
    'A professional offered a tool (module, diary or questionnaire) to a client (envelope subjectId = ' +
    'clientId), pinned to one revision. Ids, kinds and numbers only. activeToolIds are the other tools ' +
    'the client had active at that moment (anonymous usage counts: which tools are used together).',
  payload: z.object({
    assignmentId: z.uuid(),
    toolId: z.uuid(),
    revisionId: z.uuid(),
    kind: contentToolKindSchema,
    clientId: z.uuid(),
    professionalId: z.uuid(),
    /** Modules: with support (the professional gives feedback on exercises) or as self-help. */
    supported: z.boolean(),
    /** Modules: how many sessions were chosen (tailoring). */
    sessionCount: z.number().int().min(1).nullable(),
    /** Questionnaires: repeated every so many days; null when once. */
    everyDays: z.number().int().min(1).nullable(),
    activeToolIds: z.array(z.uuid()).max(500),
  }),
});
export type ContentAssignmentCreatedV1 = z.infer<typeof contentAssignmentCreatedV1.payload>;
