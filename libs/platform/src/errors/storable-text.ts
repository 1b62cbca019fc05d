import type { NextFunction, Request, Response } from 'express';
import { ValidationException, type FieldError } from './problem';

/**
 * Text PostgreSQL cannot store: a NUL character (refused by `text` and `jsonb` alike, the only
 * character valid UTF-8 can carry that PostgreSQL refuses) and unpaired UTF-16 surrogates (which JSON
 * escapes can produce: `jsonb` refuses them, `text` would silently store U+FFFD instead).
 */
const unstorable = /\u0000|\p{Cs}/u;

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain a NUL character or an unpaired surrogate';
const UNSTORABLE_NAME_MESSAGE = 'is a field name with a NUL character or an unpaired surrogate';
/** Enough to name the problem; a body full of NULs does not get an answer as large as itself. */
const MAX_ERRORS = 20;

export const isUnstorableText = (value: string): boolean => unstorable.test(value);

/** A field name fit to be echoed back in an error path: the offending characters as escapes. */
const printable = (name: string) =>
  name.replace(/\u0000|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/**
 * Every string (value or field name) in a parsed JSON value, a query object or a list of path
 * segments that PostgreSQL could not store, as field errors with the zod-style path (`items.0.name`).
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function unstorableTextErrors(value: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0 && errors.length < MAX_ERRORS) {
    const [current, path] = pending.pop()!;
    if (typeof current === 'string') {
      if (isUnstorableText(current))
        errors.push({ path: path || '(root)', message: UNSTORABLE_TEXT_MESSAGE });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push([current[i], join(path, String(i))]);
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        if (isUnstorableText(key)) {
          errors.push({ path: join(path, printable(key)), message: UNSTORABLE_NAME_MESSAGE });
        } else {
          pending.push([child, join(path, key)]);
        }
      }
    }
  }
  return errors.slice(0, MAX_ERRORS);
}

/** The path's segments as the router will decode them into route parameters. */
function decodedPathSegments(path: string): string[] {
  return path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment; // malformed escapes are the router's to refuse
    }
  });
}

/**
 * The one guard against text PostgreSQL cannot store, in every service and the gateway: the JSON
 * body (values and field names, at any depth), the query parameters and the path segments (hence
 * every route parameter) are checked before any route, guard or handler runs, so such input is a
 * field-level 400 and never reaches a query (where it was a 500, and only for data that exists).
 * Runs after the JSON body parser.
 */
export function refuseUnstorableText(req: Request, _res: Response, next: NextFunction): void {
  const errors = [
    ...(decodedPathSegments(req.path).some(isUnstorableText)
      ? [{ path: '(path)', message: UNSTORABLE_TEXT_MESSAGE }]
      : []),
    ...unstorableTextErrors(req.query),
    ...(req.body !== undefined ? unstorableTextErrors(req.body) : []),
  ].slice(0, MAX_ERRORS);
  if (errors.length > 0) return next(new ValidationException(errors));
  next();
}
