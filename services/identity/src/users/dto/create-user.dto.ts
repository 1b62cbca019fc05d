import { z } from 'zod';
import { displayNameSchema, emailSchema } from '../../common/password.dto';

/** An invitation: org admins invite professionals and clients, professionals invite clients. */
export const createUserSchema = z
  .object({
    email: emailSchema,
    displayName: displayNameSchema,
    role: z.enum(['professional', 'client']),
    /**
     * A training account (no licence seat): a training professional, or a training client to practise
     * with. Set by org admins; a training professional's clients are training clients always.
     */
    training: z.boolean().optional(),
  })
  .strict();
export type CreateUserDto = z.infer<typeof createUserSchema>;
