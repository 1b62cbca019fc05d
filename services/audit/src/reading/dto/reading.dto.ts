import { z } from 'zod';
import { auditActionSchema, auditOutcomeSchema } from '@therapy-room/contracts';

const id = z.uuid({ message: 'must be a UUID' });
const time = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time' })
  .transform((s) => new Date(s));
const period = { from: time.optional(), to: time.optional() };
const checkPeriod = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from < q.to;
const periodError = { message: 'must be after from', path: ['to'] };

export const contactHistoryQuerySchema = (maxPageSize: number) =>
  z
    .object({
      ...period,
      limit: z.coerce.number().int().min(1).max(maxPageSize).default(50),
      /** Cursor: the `nextBefore` of the previous page. */
      before: z.coerce.number().int().min(1).optional(),
    })
    .strict()
    .refine(checkPeriod, periodError);
export type ContactHistoryQuery = z.infer<ReturnType<typeof contactHistoryQuerySchema>>;

const searchShape = {
  ...period,
  clientId: id.optional(),
  userId: id.optional(),
  action: auditActionSchema.optional(),
  outcome: auditOutcomeSchema.optional(),
};
export const searchQuerySchema = (maxPageSize: number) =>
  z
    .object({
      ...searchShape,
      limit: z.coerce.number().int().min(1).max(maxPageSize).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    })
    .strict()
    .refine(checkPeriod, periodError);
export type SearchQuery = z.infer<ReturnType<typeof searchQuerySchema>>;

export const exportQuerySchema = z.object(searchShape).strict().refine(checkPeriod, periodError);
export type ExportQuery = z.infer<typeof exportQuerySchema>;
