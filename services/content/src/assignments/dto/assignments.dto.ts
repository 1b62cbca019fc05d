import { z } from 'zod';

const id = z.uuid({ message: 'must be a UUID' });
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'must be a session key' });

export const clientIdParamsSchema = z.object({ clientId: id }).strict();
export type ClientIdParams = z.infer<typeof clientIdParamsSchema>;

export const assignmentIdParamsSchema = z.object({ assignmentId: id }).strict();
export type AssignmentIdParams = z.infer<typeof assignmentIdParamsSchema>;

export const listAssignmentsQuerySchema = z.object({ status: z.enum(['active']).optional() }).strict();
export type ListAssignmentsQuery = z.infer<typeof listAssignmentsQuerySchema>;

export const createAssignmentSchema = z
  .object({
    clientId: id,
    toolId: id,
    /** Default: the tool's latest revision. */
    revisionId: id.optional(),
    /**
     * Modules: which sessions, in which order (default: all, as published). A list of keys in place
     * of one key combines those sessions into one step: ["session-1", ["session-2", "session-3"]].
     */
    sessions: z
      .array(
        z.union([
          key,
          z.array(key).min(2, { message: 'a combined step names at least two sessions' }).max(10),
        ]),
      )
      .min(1, { message: 'must name at least one session' })
      .max(50)
      .superRefine((steps, ctx) => {
        const seen = new Set<string>();
        steps.forEach((step, i) =>
          (Array.isArray(step)
            ? step.map((k, j) => ({ k, path: [i, j] }))
            : [{ k: step, path: [i] }]
          ).forEach(({ k, path }) => {
            if (seen.has(k)) ctx.addIssue({ code: 'custom', path, message: `names session "${k}" twice` });
            seen.add(k);
          }),
        );
      })
      .optional(),
    /** Modules: with support (the professional gives feedback on exercises) or as self-help (default). */
    supported: z.boolean().optional(),
    /** Questionnaires: once (default) or again every so many days. */
    schedule: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('once') }).strict(),
        z.object({ type: z.literal('repeat'), everyDays: z.number().int().min(1).max(365) }).strict(),
      ])
      .optional(),
  })
  .strict();
export type CreateAssignmentDto = z.infer<typeof createAssignmentSchema>;

export const reviseAssignmentSchema = z
  .object({
    /** Default: the tool's latest revision. */
    revisionId: id.optional(),
    /** Modules: the session order for the new revision (default: keep the current choice). */
    sessions: createAssignmentSchema.shape.sessions,
  })
  .strict();
export type ReviseAssignmentDto = z.infer<typeof reviseAssignmentSchema>;
