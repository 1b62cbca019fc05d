import type { FieldError } from '@therapy-room/platform';
import {
  optionsOf,
  type FlagRule,
  type QuestionnaireDefinition,
  type SeverityBand,
} from '../library/content-definition';

/** A client's answers to a questionnaire: item key → the chosen option's value. */
export type QuestionnaireAnswers = Record<string, unknown>;

export interface QuestionnaireScore {
  total: number;
  /** Subscale key → score. */
  subscales: Record<string, number>;
  /** The total's severity band (null when the questionnaire defines none). */
  band: { code: string; label: string } | null;
  /** Subscale key → its band, for subscales that define bands. */
  subscaleBands: Record<string, { code: string; label: string }>;
  /** Flags raised for the professional, in rule order, each code once. */
  flags: { code: string; label: string }[];
}

/**
 * Checks a response: every item answered exactly once with one of its option values, nothing else.
 * Pure; the errors name the item (`answers.<item key>`).
 */
export function validateQuestionnaireAnswers(
  q: QuestionnaireDefinition,
  answers: QuestionnaireAnswers,
): FieldError[] {
  const errors: FieldError[] = [];
  const known = new Set(q.items.map((i) => i.key));
  for (const k of Object.keys(answers)) {
    if (!known.has(k)) errors.push({ path: `answers.${k}`, message: 'is not an item of this questionnaire' });
  }
  for (const item of q.items) {
    const value = answers[item.key];
    const allowed = optionsOf(q, item).map((o) => o.value);
    if (value === undefined || value === null) {
      errors.push({ path: `answers.${item.key}`, message: 'is required' });
    } else if (typeof value !== 'number' || !Number.isInteger(value)) {
      errors.push({ path: `answers.${item.key}`, message: `must be one of ${allowed.join(', ')}` });
    } else if (!allowed.includes(value)) {
      errors.push({
        path: `answers.${item.key}`,
        message: `must be one of ${allowed.join(', ')} (got ${value})`,
      });
    }
  }
  return errors;
}

/** The value an item contributes to scores: reverse-scored items count min + max − answer. */
export function itemScore(q: QuestionnaireDefinition, itemKey: string, answer: number): number {
  if (!q.scoring.reverseScored.includes(itemKey)) return answer;
  const item = q.items.find((i) => i.key === itemKey);
  if (!item) throw new RangeError(`unknown item ${itemKey}`);
  const values = optionsOf(q, item).map((o) => o.value);
  return Math.min(...values) + Math.max(...values) - answer;
}

/** The band a score falls in (bands are inclusive at both ends). */
export function bandOf(bands: SeverityBand[], score: number): { code: string; label: string } | null {
  const band = bands.find((b) => score >= b.min && score <= b.max);
  return band ? { code: band.code, label: band.label } : null;
}

function compare(op: FlagRule['op'], left: number, right: number): boolean {
  switch (op) {
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
    case 'eq':
      return left === right;
  }
}

/**
 * Scores a validated response: the total (sum of item scores), subscale sums, bands and flags. Flag
 * rules on an item compare the raw answer (what the client chose); rules on a score compare the score.
 */
export function scoreQuestionnaire(
  q: QuestionnaireDefinition,
  answers: Record<string, number>,
): QuestionnaireScore {
  const errors = validateQuestionnaireAnswers(q, answers);
  if (errors.length)
    throw new RangeError(`invalid answers: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  const scored = new Map(q.items.map((i) => [i.key, itemScore(q, i.key, answers[i.key])]));
  const total = [...scored.values()].reduce((a, b) => a + b, 0);
  const subscales: Record<string, number> = {};
  const subscaleBands: Record<string, { code: string; label: string }> = {};
  for (const s of q.scoring.subscales) {
    subscales[s.key] = s.items.reduce((sum, k) => sum + (scored.get(k) ?? 0), 0);
    const b = s.bands ? bandOf(s.bands, subscales[s.key]) : null;
    if (b) subscaleBands[s.key] = b;
  }
  const flags: { code: string; label: string }[] = [];
  for (const rule of q.scoring.flags) {
    const left =
      rule.item !== undefined ? answers[rule.item] : rule.score === 'total' ? total : subscales[rule.score!];
    if (
      left !== undefined &&
      compare(rule.op, left, rule.value) &&
      !flags.some((f) => f.code === rule.code)
    ) {
      flags.push({ code: rule.code, label: rule.label });
    }
  }
  return { total, subscales, band: bandOf(q.scoring.bands, total), subscaleBands, flags };
}
