import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { RedactingSpanExporter } from './redacting-exporter';

let sdk: NodeSDK | undefined;

/**
 * Keeps nothing. With no span processor at all the SDK installs no tracer provider, and every trace
 * id would be zeros: no ids in logs or problem bodies, and nothing to propagate into Kafka headers.
 */
const keepNothing: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

/**
 * Starts OpenTelemetry before anything else is loaded (so http, express and pg are instrumented).
 * W3C trace context is always propagated; spans are exported only when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set, through RedactingSpanExporter (no query strings, statement values or database error
 * messages leave the process). Kafka propagation is done by the outbox relay and the event consumer via
 * `traceparent`.
 */
/**
 * What is instrumented. HTTP always: its server span is the active context that trace ids in logs,
 * problem bodies and the traceparent of outgoing calls and events come from. Express (a span and a
 * wrapper around every middleware layer) and pg (a span per statement) only when spans are exported:
 * otherwise every one of their spans is thrown away, and on the gateway the Express wrappers cost more
 * CPU per proxied request than the proxying itself (tools/bench gateway.bench.ts --profile).
 */
export function instrumentedLibraries(env: NodeJS.ProcessEnv): ('http' | 'express' | 'pg')[] {
  return env.OTEL_EXPORTER_OTLP_ENDPOINT ? ['http', 'express', 'pg'] : ['http'];
}

export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  const spanProcessors: SpanProcessor[] = [keepNothing];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const url = `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(
      new BatchSpanProcessor(new RedactingSpanExporter(new OTLPTraceExporter({ url })), {
        scheduledDelayMillis: Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 5000),
      }),
    );
  }
  sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: serviceName,
      'deployment.region': env.REGION ?? 'unknown',
    }),
    spanProcessors,
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: instrumentedLibraries(env).map((library) =>
      library === 'http'
        ? new HttpInstrumentation({
            ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false,
          })
        : library === 'express'
          ? new ExpressInstrumentation()
          : // Statements only, never their values.
            new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ),
  });
  sdk.start();
}

/** Flushes and stops the SDK (graceful shutdown). */
export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown().catch(() => undefined);
  sdk = undefined;
}
