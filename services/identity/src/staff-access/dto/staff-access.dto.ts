import { z } from 'zod';
import { tenantSlugSchema } from '@therapy-room/contracts';

export const requestGrantSchema = z
  .object({
    tenantSlug: tenantSlugSchema,
    reason: z.string().trim().min(20).max(500),
    durationMinutes: z.int().min(15).max(480),
  })
  .strict();
export type RequestGrantDto = z.infer<typeof requestGrantSchema>;

export const listGrantsQuerySchema = z
  .object({ status: z.enum(['requested', 'approved', 'denied', 'revoked']).optional() })
  .strict();
export type ListGrantsQuery = z.infer<typeof listGrantsQuerySchema>;

export const grantIdParamsSchema = z.object({ id: z.uuid() }).strict();
export type GrantIdParams = z.infer<typeof grantIdParamsSchema>;

export interface GrantView {
  id: string;
  tenantId: string;
  requesterId: string;
  reason: string;
  durationMinutes: number;
  status: 'requested' | 'approved' | 'denied' | 'revoked';
  /** Approved and inside its validity window now. */
  active: boolean;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
  revokedAt: string | null;
}
