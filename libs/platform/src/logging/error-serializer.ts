import pino from 'pino';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

type ErrorLike = Error & Record<string, unknown>;

const isErrorLike = (value: unknown): value is ErrorLike =>
  typeof value === 'object' && value !== null && typeof (value as Error).message === 'string';

/**
 * A PostgreSQL error, from TypeORM (QueryFailedError: carries the query's parameters and pg's fields)
 * or from pg itself (DatabaseError), also when another copy of either library threw it.
 */
export function isDatabaseError(value: unknown): boolean {
  if (!isErrorLike(value)) return false;
  if (value instanceof QueryFailedError || value instanceof DatabaseError) return true;
  return (
    typeof value.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(value.code) &&
    'severity' in value &&
    'routine' in value
  );
}

/** Fields of a PostgreSQL error that name things, never values. */
const NAMING_FIELDS = ['code', 'constraint', 'schema', 'table', 'column', 'dataType', 'routine'] as const;

/** The one line a database error is known by in logs: its SQLSTATE and the constraint it broke. */
export function databaseErrorMessage(err: ErrorLike): string {
  const constraint = typeof err.constraint === 'string' ? ` (constraint ${err.constraint})` : '';
  return `database error ${String(err.code ?? 'unknown')}${constraint}`;
}

/**
 * What of a database error may be logged: its SQLSTATE and the names of the constraint, schema,
 * table, column and data type involved. Never its parameters, its query, pg's `detail` (it echoes key
 * values: `Key (email)=(…) already exists`) or its message (`invalid input syntax for type uuid: "…"`).
 * The stack keeps its frames but not its first line, which is the message.
 */
function summariseDatabaseError(err: ErrorLike): Record<string, unknown> {
  const summary: Record<string, unknown> = {
    type: err.constructor?.name ?? err.name,
    message: databaseErrorMessage(err),
  };
  for (const field of NAMING_FIELDS) {
    if (typeof err[field] === 'string') summary[field] = err[field];
  }
  const frames = typeof err.stack === 'string' ? err.stack.indexOf('\n    at ') : -1;
  if (frames >= 0) summary.stack = `${summary.type}: ${summary.message}${err.stack!.slice(frames)}`;
  return summary;
}

function causes(err: ErrorLike): unknown[] {
  const found: unknown[] = [];
  let cause: unknown = err.cause;
  while (isErrorLike(cause) && !found.includes(cause) && found.length < 10) {
    found.push(cause);
    cause = cause.cause;
  }
  return found;
}

const holdsDatabaseError = (err: ErrorLike): boolean =>
  causes(err).some(isDatabaseError) ||
  (Array.isArray(err.errors) &&
    err.errors.some((e) => isErrorLike(e) && (isDatabaseError(e) || holdsDatabaseError(e))));

/**
 * pino's `err` serializer, except that a database error (itself, as a cause, or in an AggregateError)
 * is reduced to what names things (summariseDatabaseError), so no call site can log a value by
 * logging an error.
 */
export function serializeError(value: unknown): unknown {
  if (!isErrorLike(value)) return value;
  if (isDatabaseError(value)) return summariseDatabaseError(value);
  if (!holdsDatabaseError(value)) return pino.stdSerializers.err(value);
  return {
    type: value.constructor?.name ?? value.name,
    message: value.message,
    stack: value.stack,
    ...(value.cause !== undefined ? { cause: serializeError(value.cause) } : {}),
    ...(Array.isArray(value.errors) ? { aggregateErrors: value.errors.map(serializeError) } : {}),
  };
}

/** An error's message fit for a log line's text. */
export const safeErrorMessage = (err: Error): string =>
  isDatabaseError(err) ? databaseErrorMessage(err as ErrorLike) : err.message;
