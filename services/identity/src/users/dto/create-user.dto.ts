import { z } from 'zod';
import { displayNameSchema, emailSchema } from '../../common/password.dto';

export const createUserSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    role: z.enum(['professional', 'client']),
  })
  .strict();
export type CreateUserDto = z.infer<typeof createUserSchema>;
