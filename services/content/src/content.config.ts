import { z } from 'zod';
import { baseConfigShape, databaseConfigShape, internalTokenVerifyShape } from '@therapy-room/platform';
import { dataProtectionConfigShape } from '@therapy-room/data-protection';

export const contentConfigShape = {
  ...baseConfigShape,
  ...databaseConfigShape,
  ...internalTokenVerifyShape,
  ...dataProtectionConfigShape,
  /** Longest a client may share a report through a link. */
  CONTENT_SHARE_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  /** Usage counts below this are suppressed (shown as null), so no small group can be singled out. */
  CONTENT_USAGE_MIN_CELL: z.coerce.number().int().min(10).max(1000).default(10),
};
export type ContentConfig = z.infer<z.ZodObject<typeof contentConfigShape>>;
