import type { FieldError } from '@therapy-room/platform';
import type { AnswerBlock, DiaryField } from '../library/content-definition';

/**
 * Checks of what a client types or picks, as pure functions: a module exercise's answer, a diary
 * entry's values. Each returns field errors with a clear message (the range, the allowed options);
 * nothing is stored when there is one.
 */

/** A stored answer: free text (encrypted at rest) or a value (choice keys, a scale point). */
export type CheckedAnswer = { text: string } | { value: string | string[] | number };

export function checkBlockAnswer(
  block: AnswerBlock,
  value: unknown,
  path: string,
): CheckedAnswer | FieldError {
  if (block.type === 'reflection') return checkText(value, block.maxLength, path);
  const spec = block.answer;
  switch (spec.type) {
    case 'free_text':
      return checkText(value, spec.maxLength, path);
    case 'choice':
      return checkChoice(spec.options, spec.multiple, value, path);
    case 'scale':
      return checkInteger(value, spec.min, spec.max, path);
  }
}

/** A diary entry: field key → value. Free-text fields come back as text (to encrypt), the rest as values. */
export function checkDiaryEntry(
  fields: DiaryField[],
  values: Record<string, unknown>,
): {
  errors: FieldError[];
  values: Record<string, string | string[] | number>;
  texts: Record<string, string>;
} {
  const errors: FieldError[] = [];
  const checked: Record<string, string | string[] | number> = {};
  const texts: Record<string, string> = {};
  const known = new Set(fields.map((f) => f.key));
  for (const k of Object.keys(values)) {
    if (!known.has(k)) errors.push({ path: `values.${k}`, message: 'is not a field of this diary' });
  }
  for (const field of fields) {
    const path = `values.${field.key}`;
    const value = values[field.key];
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ path, message: 'is required' });
      continue;
    }
    let result: CheckedAnswer | FieldError;
    switch (field.type) {
      case 'scale':
        result = checkInteger(value, field.min, field.max, path);
        break;
      case 'number':
        result = checkNumber(value, field.min, field.max, field.decimals, field.unit, path);
        break;
      case 'choice':
        result = checkChoice(field.options, field.multiple, value, path);
        break;
      case 'free_text':
        result = checkText(value, field.maxLength, path);
        break;
      case 'time':
        result =
          typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value)
            ? { value }
            : { path, message: 'must be a time of day, HH:MM (00:00–23:59)' };
        break;
    }
    if ('path' in result) errors.push(result);
    else if ('text' in result) texts[field.key] = result.text;
    else checked[field.key] = result.value;
  }
  return { errors, values: checked, texts };
}

/** A numeric reading of a diary value for trends (time of day → minutes after midnight); null otherwise. */
export function numericValue(field: DiaryField, value: unknown): number | null {
  if ((field.type === 'scale' || field.type === 'number') && typeof value === 'number') return value;
  if (field.type === 'time' && typeof value === 'string') {
    const [h, m] = value.split(':').map(Number);
    return h * 60 + m;
  }
  return null;
}

function checkText(value: unknown, maxLength: number, path: string): CheckedAnswer | FieldError {
  if (typeof value !== 'string') return { path, message: 'must be text' };
  if (value.length > maxLength) return { path, message: `must be at most ${maxLength} characters` };
  return { text: value };
}

function checkInteger(value: unknown, min: number, max: number, path: string): CheckedAnswer | FieldError {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return {
      path,
      message: `must be a whole number from ${min} to ${max}${typeof value === 'number' ? ` (got ${value})` : ''}`,
    };
  }
  return { value };
}

function checkNumber(
  value: unknown,
  min: number,
  max: number,
  decimals: number,
  unit: string,
  path: string,
): CheckedAnswer | FieldError {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { path, message: `must be a number (${unit})` };
  if (value < min || value > max)
    return { path, message: `must be between ${min} and ${max} ${unit} (got ${value})` };
  const scaled = value * 10 ** decimals;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-9)
    return { path, message: `must have at most ${decimals} decimal place${decimals === 1 ? '' : 's'}` };
  return { value };
}

function checkChoice(
  options: { value: string }[],
  multiple: boolean,
  value: unknown,
  path: string,
): CheckedAnswer | FieldError {
  const allowed = options.map((o) => o.value);
  const message = `must be ${multiple ? 'a list of' : 'one of'}: ${allowed.join(', ')}`;
  if (multiple) {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !allowed.includes(v)))
      return { path, message };
    if (new Set(value).size !== value.length) return { path, message: 'names an option twice' };
    return { value: value as string[] };
  }
  if (typeof value !== 'string' || !allowed.includes(value)) return { path, message };
  return { value };
}
