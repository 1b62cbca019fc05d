import { z } from 'zod';

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const reportQuerySchema = z
  .object({ from: instant.optional(), to: instant.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || new Date(q.to) > new Date(q.from), {
    message: 'must be after from',
    path: ['to'],
  });
export type ReportQuery = z.infer<typeof reportQuerySchema>;
