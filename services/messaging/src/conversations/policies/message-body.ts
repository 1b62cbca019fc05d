import type { FieldError } from '@therapy-room/platform';

/**
 * Control characters other than tab, line feed and carriage return: not plain text (and a NUL cannot be
 * stored by PostgreSQL). Bidirectional overrides are kept out too: they make text read differently
 * from how it is stored.
 */
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/**
 * A message body as it will be stored: trimmed; non-empty; at most `maxChars` characters (Unicode code
 * points, so an emoji counts once); plain text. Rendering Markdown safely is the client's job.
 */
export function checkMessageBody(
  body: string,
  maxChars: number,
): { ok: true; body: string } | { ok: false; errors: FieldError[] } {
  const trimmed = body.trim();
  if (!trimmed) return { ok: false, errors: [{ path: 'body', message: 'must not be empty' }] };
  const length = [...trimmed].length;
  if (length > maxChars) {
    return {
      ok: false,
      errors: [{ path: 'body', message: `must be at most ${maxChars} characters (it has ${length})` }],
    };
  }
  if (forbidden.test(trimmed)) {
    return { ok: false, errors: [{ path: 'body', message: 'must be plain text (no control characters)' }] };
  }
  return { ok: true, body: trimmed };
}
