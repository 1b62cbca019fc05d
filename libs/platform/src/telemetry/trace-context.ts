import {
  context,
  propagation,
  trace,
  ROOT_CONTEXT,
  SpanKind,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { isDatabaseError, safeErrorMessage } from '../logging/error-serializer';

/** The active span as a W3C `traceparent` value, to store in an event envelope. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Injects the active trace context into outgoing HTTP headers. */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), headers);
  return headers;
}

export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
}

const tracer = () => trace.getTracer('therapy-room');

/** Runs fn in a consumer span that continues the producer's trace (from the message's traceparent). */
export function withConsumerSpan<T>(
  topic: string,
  traceparent: string | undefined,
  attributes: Record<string, string>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromTraceparent(traceparent);
  return tracer().startActiveSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, ...attributes },
    },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        // A database error's message may carry values: the span gets the safe one.
        const error = err as Error;
        span.recordException(
          isDatabaseError(error)
            ? { name: error.name, message: safeErrorMessage(error), code: (error as { code?: string }).code }
            : error,
        );
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
