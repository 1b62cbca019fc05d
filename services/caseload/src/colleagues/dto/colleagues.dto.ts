import { z } from 'zod';

/** One factory so the page-size limit comes from configuration (CASELOAD_MAX_PAGE_SIZE). */
export const listColleaguesQuerySchema = (maxPageSize: number) =>
  z
    .object({
      /** Part of the colleague's name, case-insensitive. */
      q: z.string().trim().min(1).max(100).optional(),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(maxPageSize, { message: `must be at most ${maxPageSize}` })
        .default(20),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    })
    .strict();
export type ListColleaguesQuery = z.infer<ReturnType<typeof listColleaguesQuerySchema>>;

/** What the list answers: only what choosing a colleague needs (no e-mail, no caseload, no status). */
export const colleaguesPageSchema = z.object({
  items: z.array(
    z.object({ id: z.uuid(), displayName: z.string().nullable(), role: z.literal('professional') }),
  ),
  total: z.int().min(0),
  limit: z.int(),
  offset: z.int(),
});
export type ColleaguesPage = z.infer<typeof colleaguesPageSchema>;

/** The query as documented: its page size bound is CASELOAD_MAX_PAGE_SIZE's default. */
export const documentedListColleaguesQuery = listColleaguesQuerySchema(100);
