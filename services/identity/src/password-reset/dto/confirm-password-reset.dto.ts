import { z } from 'zod';
import { passwordSchema } from '../../common/password.dto';

export const confirmPasswordResetSchema = z
  .object({ token: z.string().min(1).max(200), password: passwordSchema })
  .strict();
export type ConfirmPasswordResetDto = z.infer<typeof confirmPasswordResetSchema>;
