import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Attributes that hold a query string on their own: dropped. */
const QUERY_ATTRIBUTES = new Set(['url.query', 'http.query']);
/** Attributes whose value is a URL or a request target: kept without their query string and fragment. */
const URL_ATTRIBUTE = /(^|\.)(url|target|full|original)$|^url\./;
/** A PostgreSQL SQLSTATE: an exception event of this type is a database error. */
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Statement values recorded by pg's enhanced reporting, should it ever be switched on. */
const DROPPED_ATTRIBUTES = new Set(['db.postgresql.values', 'db.query.parameter']);

const withoutQuery = (value: string) => value.replace(/[?#].*$/s, '');

function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (QUERY_ATTRIBUTES.has(key) || DROPPED_ATTRIBUTES.has(key)) continue;
    if (key.startsWith('db.query.parameter.')) continue;
    out[key] =
      URL_ATTRIBUTE.test(key) && typeof value === 'string' ? withoutQuery(value) : (value as AttributeValue);
  }
  return out;
}

/** An exception event of a database error keeps its code; its message and stack may carry values. */
function redactEvent(event: TimedEvent): TimedEvent {
  const attributes = event.attributes ? redactAttributes(event.attributes) : undefined;
  const type = attributes?.['exception.type'];
  if (attributes && typeof type === 'string' && SQLSTATE.test(type)) {
    attributes['exception.message'] = `database error ${type}`;
    delete attributes['exception.stacktrace'];
  }
  return { ...event, attributes };
}

/**
 * The span as it may leave the process: no query strings (e.g. caseload's `?q=<client name>`) in
 * any URL attribute or the name, no statement values, and no database error message (pg's messages
 * echo values: `invalid input syntax for type uuid: "…"`) in the status or exception events.
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const attributes = redactAttributes(span.attributes);
  const isDatabaseSpan = 'db.system' in attributes || 'db.system.name' in attributes;
  const events = span.events.map(redactEvent);
  const databaseFailure = events.some((e) => SQLSTATE.test(String(e.attributes?.['exception.type'] ?? '')));
  const status =
    span.status.message && (isDatabaseSpan || databaseFailure)
      ? { ...span.status, message: 'database error' }
      : span.status;
  // The original stays the prototype, so methods such as spanContext() keep working.
  return Object.create(span, {
    name: { value: withoutQuery(span.name), enumerable: true },
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
    status: { value: status, enumerable: true },
  }) as ReadableSpan;
}

/** Every exported span goes through redactSpan first: one place, whatever the instrumentation records. */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(redactSpan), resultCallback);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
