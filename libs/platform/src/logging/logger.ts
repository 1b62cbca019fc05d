import pino, { type Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import type { LoggerService } from '@nestjs/common';
import { requestContext } from '../context/request-context';
import { safeErrorMessage, serializeError } from './error-serializer';

/**
 * Paths whose values never reach a log line: credentials, tokens, cookies, and any configuration
 * declared secret. Personal data is kept out by not logging bodies at all.
 */
const sensitiveKeys = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionId',
  'clientSecret',
  'totpSecret',
  'secret',
  'authorization',
  'cookie',
];
export const redactPaths = [
  ...sensitiveKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-internal-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'config.DATABASE_URL',
  'config.DATABASE_ADMIN_URL',
  'config.INTERNAL_TOKEN_PRIVATE_KEY',
];

export function createLogger(options: {
  service: string;
  level?: string;
  extraRedact?: string[];
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors under either name go through the one serializer that keeps database values out.
      serializers: { err: serializeError, error: serializeError },
      redact: {
        paths: [...redactPaths, ...(options.extraRedact ?? []).map((k) => `config.${k}`)],
        censor: '[redacted]',
      },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        const ctx = requestContext.get();
        return {
          ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}),
          ...(ctx
            ? {
                requestId: ctx.requestId,
                eventId: ctx.eventId,
                tenantId: ctx.tenantId ?? ctx.actor?.tenantId,
              }
            : {}),
        };
      },
    },
    options.destination,
  );
}

/** Nest's start-up lines that say nothing an operator needs at info level. */
const startupChatter = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's logger interface on top of pino, so framework messages are structured too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    const chatter = context !== undefined && startupChatter.has(context);
    this.logger[chatter ? 'debug' : 'info']({ context }, String(message));
  }
  error(message: unknown, traceOrContext?: string, context?: string) {
    const err = message instanceof Error ? message : undefined;
    this.logger.error(
      { context: context ?? traceOrContext, err },
      err ? safeErrorMessage(err) : String(message),
    );
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
