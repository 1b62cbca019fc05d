import { z } from 'zod';

export const usageQuerySchema = z
  .object({
    /** organisation: this organisation's counts; platform: every organisation's use of platform tools. */
    scope: z
      .enum(['organisation', 'platform'], { message: 'must be organisation or platform' })
      .default('organisation'),
  })
  .strict();
export type UsageQuery = z.infer<typeof usageQuerySchema>;
