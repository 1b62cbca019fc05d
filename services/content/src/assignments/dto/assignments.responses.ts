import { z } from 'zod';
import { contentToolKindSchema } from '@therapy-room/contracts';

/**
 * What the assignment and work routes answer, for the public OpenAPI document (`@ApiResponse`): the
 * contract the API fuzzer checks answers against.
 */
const id = z.uuid();
const instant = z.iso.datetime({ offset: true });

const assignmentBase = {
  id,
  clientId: id,
  professionalId: id,
  toolId: id,
  kind: contentToolKindSchema,
  title: z.string(),
  revision: z.int(),
  revisionId: id,
  latestRevision: z.int().nullable(),
  status: z.enum(['active', 'withdrawn']),
  supported: z.boolean(),
  /** Modules: the tailored sessions' keys. */
  sessions: z.array(z.string()).nullable(),
  /** Modules: the steps the client works through (combined sessions share one). */
  steps: z.array(z.unknown()).nullable(),
  schedule: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('repeat'), everyDays: z.int() }),
      z.object({ type: z.literal('once') }),
    ])
    .nullable(),
  createdAt: instant.nullable(),
  withdrawnAt: instant.nullable(),
};

export const assignmentViewSchema = z.object({
  ...assignmentBase,
  progress: z.union([
    z.object({ completedSessions: z.int(), totalSessions: z.int().nullable() }),
    z.object({ entries: z.int() }),
    z.object({ responses: z.int(), nextDueAt: instant.nullable() }),
  ]),
});

export const assignmentListSchema = z.object({ items: z.array(assignmentViewSchema) });

/**
 * One tool with the client's work on it: the assignment (without progress) and, by kind, the
 * content with answers, entries or responses (described as open members).
 */
export const assignmentWorkSchema = z.looseObject(assignmentBase);
