import { z } from 'zod';

/**
 * What the work routes answer besides one assignment's work (assignments.responses.ts), for the
 * public OpenAPI document (`@ApiResponse`).
 */
export const openFlagsSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      clientId: z.uuid(),
      assignmentId: z.uuid(),
      responseId: z.uuid(),
      code: z.string(),
      raisedAt: z.iso.datetime({ offset: true }).nullable(),
    }),
  ),
});
