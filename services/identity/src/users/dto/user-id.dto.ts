import { z } from 'zod';

export const userIdParamsSchema = z.object({ id: z.uuid() }).strict();
export type UserIdParams = z.infer<typeof userIdParamsSchema>;
