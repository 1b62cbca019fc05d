import { z } from 'zod';

export const policySchema = z
  .object({
    /** The country whose law the defaults came from (NL: WGBO; GB: NHS Records Management Code). */
    country: z.enum(['NL', 'GB']),
    /** Health records are kept this many years after the end of treatment. */
    yearsAfterTreatment: z.int().min(1).max(115),
    /** Whether a client's erasure request may erase records before that period ends. */
    erasureBeforeExpiry: z.enum(['allowed', 'refused']),
    /** Days an approved erasure waits (delete-pending) before it runs. */
    graceDays: z.int().min(14).max(90),
    /** Deactivate accounts idle this many days; null: never. */
    idleDays: z.int().min(30).max(3650).nullable(),
  })
  .strict();
export type PolicyDto = z.infer<typeof policySchema>;
