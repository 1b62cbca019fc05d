import { z } from 'zod';
import type { PrivacyStatementDto } from './privacy-statement.dto';

/**
 * What the privacy statement routes answer, for the public OpenAPI document (`@ApiResponse`): the
 * contract the API fuzzer checks answers against.
 */
const instant = z.iso.datetime({ offset: true });

export const privacyStatementSchema = z.object({
  version: z.int().min(1),
  text: z.string(),
  publishedAt: instant,
  publishedBy: z.uuid(),
  acknowledged: z.boolean(),
}) satisfies z.ZodType<PrivacyStatementDto>;

export const acknowledgementSchema = z.object({ version: z.int().min(1), acknowledgedAt: instant });
