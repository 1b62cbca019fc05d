import { z } from 'zod';
import { displayNameSchema, emailSchema } from '../../common/password.dto';

/** An invitation: org admins invite professionals and clients, professionals invite clients. */
export const createUserSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    role: z.enum(['professional', 'client']),
    /** A professional's training account (not counted against the licence); org admins only. */
    training: z.boolean().optional(),
  })
  .strict()
  .refine((u) => !u.training || u.role === 'professional', {
    path: ['training'],
    message: 'only professional accounts can be training accounts',
  });
export type CreateUserDto = z.infer<typeof createUserSchema>;
