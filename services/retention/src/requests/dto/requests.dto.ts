import { z } from 'zod';

export const createRequestSchema = z
  .object({
    kind: z.enum(['erasure', 'export']),
    /** The client whose data it is; a client asking for themself leaves it out. */
    clientId: z.uuid().optional(),
  })
  .strict();
export type CreateRequestDto = z.infer<typeof createRequestSchema>;

export const requestIdParamsSchema = z.object({ requestId: z.uuid() }).strict();
export type RequestIdParams = z.infer<typeof requestIdParamsSchema>;

export const listRequestsQuerySchema = z
  .object({
    clientId: z.uuid().optional(),
    state: z
      .enum(['requested', 'approved', 'pending', 'running', 'completed', 'failed', 'cancelled', 'refused'])
      .optional(),
  })
  .strict();
export type ListRequestsQuery = z.infer<typeof listRequestsQuerySchema>;

const states = z.enum([
  'requested',
  'approved',
  'pending',
  'running',
  'completed',
  'failed',
  'cancelled',
  'refused',
]);

export const requestViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['erasure', 'export']),
  reason: z.enum(['client_request', 'retention_expired']),
  state: states,
  /** Null once an erasure completed (the certificate names the subject by pseudonym). */
  clientId: z.uuid().nullable(),
  requestedBy: z.uuid().nullable(),
  requestedAt: z.iso.datetime(),
  approvedBy: z.uuid().nullable(),
  approvedAt: z.iso.datetime().nullable(),
  /** When a scheduled (pending) erasure runs. */
  runsAt: z.iso.datetime().nullable(),
  onHold: z.boolean(),
  /** A refused erasure: the first day the retention policy allows it. */
  possibleFrom: z.iso.date().nullable(),
  completedAt: z.iso.datetime().nullable(),
  /** Marked stuck: a participant did not confirm after the allowed attempts. */
  stuck: z.boolean(),
  participants: z.array(z.object({ service: z.string(), confirmedAt: z.iso.datetime().nullable() })),
});
export type RequestView = z.infer<typeof requestViewSchema>;
export const requestListSchema = z.object({ items: z.array(requestViewSchema) });

export const certificateSchema = z.object({
  requestId: z.uuid(),
  /** HMAC-SHA256 of organisation and subject under the region's retention key: names nobody. */
  subjectPseudonym: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(['client_request', 'retention_expired']),
  requestedAt: z.iso.datetime(),
  approvedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime(),
  participants: z.array(
    z.object({
      service: z.string(),
      confirmedAt: z.iso.datetime(),
      /** What the service deleted, by kind, when it says (e.g. {"message": 12}). */
      counts: z.record(z.string(), z.int().min(0)).nullable(),
    }),
  ),
});
export type Certificate = z.infer<typeof certificateSchema>;

export const legalHoldParamsSchema = z.object({ clientId: z.uuid() }).strict();
export type LegalHoldParams = z.infer<typeof legalHoldParamsSchema>;
export const placeLegalHoldSchema = z
  .object({
    /** Why (a court order, a complaint procedure): kept by retention, never sent in an event. */
    reason: z.string().trim().min(3).max(500),
  })
  .strict();
export type PlaceLegalHoldDto = z.infer<typeof placeLegalHoldSchema>;
export const legalHoldViewSchema = z.object({
  clientId: z.uuid(),
  held: z.boolean(),
  reason: z.string().nullable(),
  placedBy: z.uuid().nullable(),
  placedAt: z.iso.datetime().nullable(),
});
