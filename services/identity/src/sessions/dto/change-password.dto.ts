import { z } from 'zod';
import { passwordSchema } from '../../common/password.dto';

export const changePasswordSchema = z
  .object({
    currentPassword: passwordSchema,
    newPassword: passwordSchema,
  })
  .strict();
export type ChangePasswordDto = z.infer<typeof changePasswordSchema>;
