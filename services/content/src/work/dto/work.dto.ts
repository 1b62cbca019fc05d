import { z } from 'zod';

const id = z.uuid({ message: 'must be a UUID' });
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'must be a key' });
/** Answers by key; each value is checked against the tool's definition by the service. */
const byKey = z.record(key, z.unknown()).refine((r) => Object.keys(r).length <= 200, 'too many answers');

export const pageParamsSchema = z.object({ assignmentId: id, sessionKey: key, pageKey: key }).strict();
export type PageParams = z.infer<typeof pageParamsSchema>;

export const flagParamsSchema = z.object({ flagId: id }).strict();
export type FlagParams = z.infer<typeof flagParamsSchema>;

export const pageAnswersSchema = z
  .object({
    answers: byKey.default({}),
    /** The client finished the page (Next): it counts towards the session's completion. */
    completed: z.boolean().default(false),
  })
  .strict();
export type PageAnswersDto = z.infer<typeof pageAnswersSchema>;

export const diaryEntrySchema = z
  .object({
    values: byKey,
    /** When the values were true (default: now). */
    recordedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  })
  .strict();
export type DiaryEntryDto = z.infer<typeof diaryEntrySchema>;

export const responseSchema = z.object({ answers: byKey }).strict();
export type ResponseDto = z.infer<typeof responseSchema>;

export const feedbackSchema = z
  .object({ sessionKey: key, text: z.string().trim().min(1).max(10_000) })
  .strict();
export type FeedbackDto = z.infer<typeof feedbackSchema>;
