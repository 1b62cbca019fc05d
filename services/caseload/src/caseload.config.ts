import { z } from 'zod';
import { baseConfigShape, databaseConfigShape, internalTokenVerifyShape } from '@therapy-room/platform';

export const caseloadConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  /** Largest page a caseload list returns. */
  CASELOAD_MAX_PAGE_SIZE: z.coerce.number().int().min(10).max(500).default(100),
};
export type CaseloadConfig = z.infer<z.ZodObject<typeof caseloadConfigShape>>;
