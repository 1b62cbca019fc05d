import { z } from 'zod';
import { contentToolKinds } from '@therapy-room/contracts';

const id = z.uuid({ message: 'must be a UUID' });

export const toolParamsSchema = z.object({ toolId: id }).strict();
export type ToolParams = z.infer<typeof toolParamsSchema>;

export const toolQuerySchema = z.object({ revision: z.coerce.number().int().min(1).optional() }).strict();
export type ToolQuery = z.infer<typeof toolQuerySchema>;

export const libraryListQuerySchema = z
  .object({
    kind: z.enum(contentToolKinds, { message: `must be one of ${contentToolKinds.join(', ')}` }).optional(),
  })
  .strict();
export type LibraryListQuery = z.infer<typeof libraryListQuerySchema>;

export const clientFeedbackSchema = z
  .object({
    clientFeedback: z.enum(['score_and_band', 'none'], { message: 'must be score_and_band or none' }),
  })
  .strict();
export type ClientFeedbackDto = z.infer<typeof clientFeedbackSchema>;

/** The definition is checked against the content schema by the service (its errors name the path inside). */
export const publishToolSchema = z.object({ definition: z.record(z.string(), z.unknown()) }).strict();
export type PublishToolDto = z.infer<typeof publishToolSchema>;
