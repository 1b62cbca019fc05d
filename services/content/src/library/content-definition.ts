import { z } from 'zod';

/**
 * The schema of every content file (seeds/content/*.json) and of every tool an organisation adds: a
 * module (ordered sessions → pages → blocks), a diary (a template of typed fields) or a questionnaire
 * (items, scoring, severity bands, flag rules). Keys are identifiers (they travel in events and key
 * stored answers); titles, prompts and texts are shown to people and never leave content.
 */

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a key: lower-case letters, digits, "-" or "_" (max 64)');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

/** Keys must be unique within a list: the message names the duplicate and the path points at it. */
function uniqueKeys<T extends Record<F, string>, F extends string>(
  items: T[],
  field: F,
  ctx: z.RefinementCtx,
  what: string,
  prefix: (string | number)[],
) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = item[field];
    if (seen.has(k))
      ctx.addIssue({ code: 'custom', path: [...prefix, i, field], message: `${what} "${k}" appears twice` });
    seen.add(k);
  });
}

// ---- answers (module exercises) -------------------------------------------------------------------

const choiceOption = z.object({ value: key, label: text(200) }).strict();

const scale = z
  .object({
    type: z.literal('scale'),
    min: z.number().int().min(-100).max(100),
    max: z.number().int().min(-100).max(100),
    /** Labels of the ends or of each point, by value ("0": "not at all"). */
    labels: z.record(z.string().regex(/^-?\d+$/, 'label keys are scale values'), text(100)).optional(),
  })
  .strict()
  .refine((s) => s.max > s.min, { message: 'max must be greater than min', path: ['max'] });

const answerSpec = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('free_text'), maxLength: z.number().int().min(1).max(20_000).default(5000) })
    .strict(),
  z
    .object({
      type: z.literal('choice'),
      options: z.array(choiceOption).min(2).max(50),
      multiple: z.boolean().default(false),
    })
    .strict()
    .superRefine((c, ctx) => uniqueKeys(c.options, 'value', ctx, 'option', ['options'])),
  scale,
]);
export type AnswerSpec = z.infer<typeof answerSpec>;

// ---- modules --------------------------------------------------------------------------------------

const block = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), markdown: text(20_000) }).strict(),
  z.object({ type: z.literal('image'), ref: text(500), alt: text(500) }).strict(),
  z.object({ type: z.literal('video'), ref: text(500), caption: text(500).optional() }).strict(),
  z.object({ type: z.literal('exercise'), key, prompt: text(2000), answer: answerSpec }).strict(),
  z
    .object({
      type: z.literal('reflection'),
      key,
      prompt: text(2000),
      maxLength: z.number().int().min(1).max(20_000).default(5000),
    })
    .strict(),
]);
export type Block = z.infer<typeof block>;
/** Blocks that take an answer from the client. */
export type AnswerBlock = Extract<Block, { type: 'exercise' | 'reflection' }>;
export const isAnswerBlock = (b: Block): b is AnswerBlock => b.type === 'exercise' || b.type === 'reflection';

const page = z
  .object({ key, title: text(200), blocks: z.array(block).min(1).max(100) })
  .strict()
  .superRefine((p, ctx) => {
    const answerKeys = p.blocks.flatMap((b, i) => (isAnswerBlock(b) ? [{ key: b.key, i }] : []));
    const seen = new Set<string>();
    for (const { key: k, i } of answerKeys) {
      if (seen.has(k))
        ctx.addIssue({ code: 'custom', path: ['blocks', i, 'key'], message: `block "${k}" appears twice` });
      seen.add(k);
    }
  });

const session = z
  .object({ key, title: text(200), summary: text(2000).optional(), pages: z.array(page).min(1).max(100) })
  .strict()
  .superRefine((s, ctx) => uniqueKeys(s.pages, 'key', ctx, 'page', ['pages']));

const common = {
  key,
  title: text(200),
  description: text(4000).optional(),
  /** BCP 47, e.g. "en". */
  language: z
    .string()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
    .default('en'),
};

export const moduleDefinitionSchema = z
  .object({ kind: z.literal('module'), ...common, sessions: z.array(session).min(1).max(50) })
  .strict()
  .superRefine((m, ctx) => uniqueKeys(m.sessions, 'key', ctx, 'session', ['sessions']));

// ---- diaries --------------------------------------------------------------------------------------

const diaryField = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('scale'),
      key,
      label: text(200),
      required: z.boolean().default(true),
      min: z.number().int().min(-100).max(100),
      max: z.number().int().min(-100).max(100),
      labels: z.record(z.string().regex(/^-?\d+$/, 'label keys are scale values'), text(100)).optional(),
    })
    .strict()
    .refine((s) => s.max > s.min, { message: 'max must be greater than min', path: ['max'] }),
  z
    .object({
      type: z.literal('number'),
      key,
      label: text(200),
      required: z.boolean().default(true),
      unit: text(30),
      min: z.number(),
      max: z.number(),
      /** Decimal places accepted (e.g. 1 for 5.4 mmol/L). */
      decimals: z.number().int().min(0).max(4).default(0),
    })
    .strict()
    .refine((n) => n.max > n.min, { message: 'max must be greater than min', path: ['max'] }),
  z
    .object({
      type: z.literal('choice'),
      key,
      label: text(200),
      required: z.boolean().default(true),
      options: z.array(choiceOption).min(2).max(50),
      multiple: z.boolean().default(false),
    })
    .strict()
    .superRefine((c, ctx) => uniqueKeys(c.options, 'value', ctx, 'option', ['options'])),
  z
    .object({
      type: z.literal('free_text'),
      key,
      label: text(200),
      required: z.boolean().default(false),
      maxLength: z.number().int().min(1).max(20_000).default(2000),
    })
    .strict(),
  /** A time of day, "HH:MM" (e.g. went to bed at). */
  z.object({ type: z.literal('time'), key, label: text(200), required: z.boolean().default(true) }).strict(),
]);
export type DiaryField = z.infer<typeof diaryField>;

export const diaryDefinitionSchema = z
  .object({ kind: z.literal('diary'), ...common, fields: z.array(diaryField).min(1).max(50) })
  .strict()
  .superRefine((d, ctx) => uniqueKeys(d.fields, 'key', ctx, 'field', ['fields']));

// ---- questionnaires -------------------------------------------------------------------------------

const answerOption = z.object({ value: z.number().int().min(-100).max(100), label: text(200) }).strict();

const band = z
  .object({ min: z.number(), max: z.number(), code: key, label: text(200) })
  .strict()
  .refine((b) => b.max >= b.min, { message: 'max must not be below min', path: ['max'] });

const comparison = z.enum(['gt', 'gte', 'lt', 'lte', 'eq']);
const flagRule = z
  .object({
    code: key,
    /** Compare one item's answer… */
    item: key.optional(),
    /** …or a score ('total' or a subscale key). */
    score: key.optional(),
    op: comparison,
    value: z.number(),
    /** Shown to the professional (e.g. "Thoughts of self-harm: contact the client today"). */
    label: text(300),
  })
  .strict()
  .refine((r) => (r.item === undefined) !== (r.score === undefined), {
    message: 'name either an item or a score',
  });

const subscale = z
  .object({ key, label: text(200), items: z.array(key).min(1), bands: z.array(band).optional() })
  .strict();

export const questionnaireDefinitionSchema = z
  .object({
    kind: z.literal('questionnaire'),
    ...common,
    /** The text shown before the items (e.g. "Over the last 2 weeks, how often…"). */
    instructions: text(2000).optional(),
    /** The answer options of every item that lists none of its own. */
    options: z.array(answerOption).min(2).max(20).optional(),
    items: z
      .array(
        z
          .object({ key, text: text(1000), options: z.array(answerOption).min(2).max(20).optional() })
          .strict(),
      )
      .min(1)
      .max(200),
    scoring: z
      .object({
        /** 'sum': the total is the sum of all items; 'subscales': also a score per subscale. */
        method: z.enum(['sum', 'subscales']),
        /** Items scored in reverse: min + max of the item's options − answer. */
        reverseScored: z.array(key).default([]),
        subscales: z.array(subscale).default([]),
        /** Severity bands of the total: contiguous, non-overlapping, covering every possible total. */
        bands: z.array(band).default([]),
        flags: z.array(flagRule).default([]),
      })
      .strict(),
    /** What the client sees after answering: the score and band, or only a thank-you. */
    clientFeedback: z.enum(['score_and_band', 'none']).default('none'),
  })
  .strict()
  .superRefine((q, ctx) => {
    uniqueKeys(q.items, 'key', ctx, 'item', ['items']);
    const itemKeys = new Set(q.items.map((i) => i.key));
    q.items.forEach((item, i) => {
      if (!item.options && !q.options)
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'options'],
          message: 'no options here and no shared options',
        });
    });
    const unknown = (list: string[], path: (string | number)[]) =>
      list.forEach((k, i) => {
        if (!itemKeys.has(k))
          ctx.addIssue({ code: 'custom', path: [...path, i], message: `unknown item "${k}"` });
      });
    unknown(q.scoring.reverseScored, ['scoring', 'reverseScored']);
    q.scoring.subscales.forEach((s, i) => unknown(s.items, ['scoring', 'subscales', i, 'items']));
    if (q.scoring.method === 'subscales' && q.scoring.subscales.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['scoring', 'subscales'],
        message: 'method "subscales" needs subscales',
      });
    const scoreKeys = new Set(['total', ...q.scoring.subscales.map((s) => s.key)]);
    q.scoring.flags.forEach((f, i) => {
      if (f.item && !itemKeys.has(f.item))
        ctx.addIssue({
          code: 'custom',
          path: ['scoring', 'flags', i, 'item'],
          message: `unknown item "${f.item}"`,
        });
      if (f.score && !scoreKeys.has(f.score))
        ctx.addIssue({
          code: 'custom',
          path: ['scoring', 'flags', i, 'score'],
          message: `unknown score "${f.score}"`,
        });
    });
    // Bands must cover the possible totals exactly once (integer scores), so every total has a band.
    if (q.scoring.bands.length && q.items.every((i) => i.options ?? q.options)) {
      const range = totalRange(q as QuestionnaireDefinition);
      checkBands(q.scoring.bands, range, ['scoring', 'bands'], ctx);
    }
  });

// ---- any tool -------------------------------------------------------------------------------------

export const toolDefinitionSchema = z.discriminatedUnion('kind', [
  moduleDefinitionSchema,
  diaryDefinitionSchema,
  questionnaireDefinitionSchema,
]);
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;
export type ModuleDefinition = z.infer<typeof moduleDefinitionSchema>;
export type DiaryDefinition = z.infer<typeof diaryDefinitionSchema>;
export type QuestionnaireDefinition = z.infer<typeof questionnaireDefinitionSchema>;
export type QuestionnaireItem = QuestionnaireDefinition['items'][number];
export type SeverityBand = z.infer<typeof band>;
export type FlagRule = z.infer<typeof flagRule>;

/** The answer options of one item (its own, or the questionnaire's shared ones). */
export const optionsOf = (q: Pick<QuestionnaireDefinition, 'options'>, item: QuestionnaireItem) =>
  item.options ?? q.options ?? [];

/** Lowest and highest possible total. */
export function totalRange(q: QuestionnaireDefinition): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const item of q.items) {
    const values = optionsOf(q, item).map((o) => o.value);
    min += Math.min(...values);
    max += Math.max(...values);
  }
  return { min, max };
}

function checkBands(
  bands: SeverityBand[],
  range: { min: number; max: number },
  path: (string | number)[],
  ctx: z.RefinementCtx,
) {
  const sorted = bands.map((b, i) => ({ ...b, i })).sort((a, b) => a.min - b.min);
  if (sorted[0].min > range.min)
    ctx.addIssue({
      code: 'custom',
      path,
      message: `bands start at ${sorted[0].min}, but a total can be ${range.min}`,
    });
  if (sorted[sorted.length - 1].max < range.max)
    ctx.addIssue({
      code: 'custom',
      path,
      message: `bands end at ${sorted[sorted.length - 1].max}, but a total can be ${range.max}`,
    });
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].min !== sorted[i - 1].max + 1)
      ctx.addIssue({
        code: 'custom',
        path: [...path, sorted[i].i, 'min'],
        message: `band "${sorted[i].code}" must start at ${sorted[i - 1].max + 1} (right after "${sorted[i - 1].code}")`,
      });
  }
}
