import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { DatabaseError } from 'pg';
import { RedactingSpanExporter } from './redacting-exporter';

/** A real SDK tracer whose spans are exported through the redacting exporter into memory. */
function tracer() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new RedactingSpanExporter(memory))],
  });
  return { tracer: provider.getTracer('spec'), spans: () => memory.getFinishedSpans() };
}

describe('RedactingSpanExporter', () => {
  it('drops query strings from every URL attribute, the query attribute itself and the span name', () => {
    const { tracer: t, spans } = tracer();
    const span = t.startSpan('GET /api/caseload/clients?q=Ann%20Client', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.url': 'http://gw/api/caseload/clients?q=Ann%20Client#x',
        'http.target': '/api/caseload/clients?q=Ann%20Client',
        'url.full': 'http://gw/api/caseload/clients?q=Ann%20Client',
        'url.path': '/api/caseload/clients',
        'url.query': 'q=Ann%20Client',
        'http.route': '/api/caseload/clients',
        'http.status_code': 200,
      },
    });
    span.end();
    const [exported] = spans();
    expect(exported.name).toBe('GET /api/caseload/clients');
    expect(exported.attributes).toEqual({
      'http.url': 'http://gw/api/caseload/clients',
      'http.target': '/api/caseload/clients',
      'url.full': 'http://gw/api/caseload/clients',
      'url.path': '/api/caseload/clients',
      'http.route': '/api/caseload/clients',
      'http.status_code': 200,
    });
    expect(JSON.stringify(exported.attributes)).not.toContain('Ann');
    expect(exported.spanContext().traceId).toBe(span.spanContext().traceId);
  });

  it("keeps a database error's code but not its message, in the status and in exception events", () => {
    const { tracer: t, spans } = tracer();
    const pgError = Object.assign(
      new DatabaseError('invalid input syntax for type numeric: "glucose 7.4"', 80, 'error'),
      { code: '22P02' },
    );
    const db = t.startSpan('pg.query:SELECT', {
      attributes: {
        'db.system': 'postgresql',
        'db.statement': 'SELECT $1::numeric',
        'db.postgresql.values': ['glucose 7.4'],
      },
    });
    db.setStatus({ code: SpanStatusCode.ERROR, message: pgError.message });
    db.recordException(pgError);
    db.end();
    const other = t.startSpan('handler');
    other.recordException(new Error('broker down'));
    other.end();
    const [dbSpan, otherSpan] = spans();
    expect(JSON.stringify({ a: dbSpan.attributes, s: dbSpan.status, e: dbSpan.events })).not.toContain(
      'glucose',
    );
    expect(dbSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database error' });
    expect(dbSpan.events[0].attributes).toEqual({
      'exception.type': '22P02',
      'exception.message': 'database error 22P02',
    });
    expect(dbSpan.attributes['db.statement']).toBe('SELECT $1::numeric');
    expect(otherSpan.events[0].attributes?.['exception.message']).toBe('broker down');
  });
});
