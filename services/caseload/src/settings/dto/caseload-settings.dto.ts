import { z } from 'zod';

export const caseloadSettingsSchema = z
  .object({
    /** Professionals may take a client nobody has into their own caseload (audited). Default: false. */
    professionalsMayTakeUnassignedClients: z.boolean({ message: 'must be true or false' }),
  })
  .strict();
export type CaseloadSettingsDto = z.infer<typeof caseloadSettingsSchema>;
