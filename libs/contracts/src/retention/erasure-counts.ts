import { z } from 'zod';

/**
 * What a participant deleted for one erasure, by kind (`assignments`, `messages`, `data_keys`…): counts
 * only, never ids or values, so an erasure certificate can state them without naming anyone.
 */
export const erasureCountsSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  z.number().int().nonnegative(),
);
export type ErasureCounts = z.infer<typeof erasureCountsSchema>;
