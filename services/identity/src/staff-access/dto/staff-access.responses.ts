import { z } from 'zod';
import type { GrantView } from './staff-access.dto';

/**
 * What the staff access routes answer, for the public OpenAPI document (`@ApiResponse`): the
 * contract the API fuzzer checks answers against. `satisfies` keeps it in step with GrantView.
 */
const instant = z.iso.datetime({ offset: true });

export const grantViewSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  requesterId: z.uuid(),
  reason: z.string(),
  durationMinutes: z.int(),
  status: z.enum(['requested', 'approved', 'denied', 'revoked']),
  active: z.boolean(),
  requestedAt: instant,
  decidedBy: z.uuid().nullable(),
  decidedAt: instant.nullable(),
  validFrom: instant.nullable(),
  validUntil: instant.nullable(),
  revokedAt: instant.nullable(),
}) satisfies z.ZodType<GrantView>;

export const grantListSchema = z.object({ items: z.array(grantViewSchema) });
