import { z } from 'zod';
import { regionSchema } from '@therapy-room/contracts';
import { trustedProxiesSchema } from './trusted-proxies';

/** Environment variables whose values must never be logged or echoed back. */
const sensitive = new WeakSet<z.ZodType>();
export function secret<T extends z.ZodType>(schema: T): T {
  sensitive.add(schema);
  return schema;
}

const csv = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
const int = (def: number) => z.coerce.number().int().positive().default(def);

/** Variables every service reads. Each service extends this with its own. */
export const baseConfigShape = {
  SERVICE_NAME: z.string().regex(/^[a-z][a-z-]*$/),
  REGION: regionSchema,
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Command-line tools log to stderr so their stdout stays machine-readable. */
  LOG_STREAM: z.enum(['stdout', 'stderr']).default('stdout'),
  KAFKA_BROKERS: csv,
  KAFKA_CLIENT_ID: z.string().optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z0-9._-]*$/)
    .default(''),
  KAFKA_PARTITIONS_CONCURRENCY: int(3),
  /**
   * The consumer group's name (default `<KAFKA_TOPIC_PREFIX><SERVICE_NAME>`); one group per topic is
   * derived from it. A new name reads every topic again from the start (a replay).
   */
  KAFKA_CONSUMER_GROUP: z
    .string()
    .regex(/^[a-z0-9._-]+$/)
    .optional(),
  /**
   * How many times one event is tried by this process before it goes to `<topic>.dlq` with the last
   * error as the reason: a handler that keeps failing on one event does not stall its partition.
   */
  EVENT_MAX_ATTEMPTS: int(10),
  KAFKA_PROVISION_TOPICS: z.stringbool().default(true),
  KAFKA_SSL: z.stringbool().default(false),
  /** CA bundle (PEM) that signed the brokers' certificates, e.g. the Strimzi cluster CA. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: int(100_000),
  /** `production` in images: then no proxy is trusted unless TRUSTED_PROXIES names it. */
  NODE_ENV: z.string().optional(),
  /**
   * CIDR ranges of the proxies in front of this service (e.g. the ingress controller's pods), or
   * `none`: only their X-Forwarded-For entries are believed (see trusted-proxies.ts for the default).
   */
  TRUSTED_PROXIES: trustedProxiesSchema.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
};
export const databaseConfigShape = {
  DATABASE_URL: secret(z.url({ protocol: /^postgres(ql)?$/ })),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  DATABASE_POOL_MAX: int(10),
  OUTBOX_BATCH_SIZE: int(500),
  /**
   * A batch's messages add up to at most this many bytes (a larger row goes alone), below the broker's
   * message.max.bytes, so that one oversized row fails on its own instead of failing its batch.
   */
  OUTBOX_BATCH_BYTES: int(900_000),
  OUTBOX_POLL_INTERVAL_MS: int(1000),
  OUTBOX_MAX_ATTEMPTS: int(10),
  /** Off for command-line tools: the service's own relay publishes what they write. */
  OUTBOX_RELAY_ENABLED: z.stringbool().default(true),
  INBOX_RETENTION_DAYS: int(14),
};
/**
 * A service whose runtime role must not own its tables (audit's append-only log) migrates as a separate
 * owner role: the data source runs the migrations over this connection, then works as DATABASE_URL.
 */
export const databaseOwnerConfigShape = {
  DATABASE_OWNER_URL: secret(z.url({ protocol: /^postgres(ql)?$/ })),
};
export const internalTokenVerifyShape = {
  INTERNAL_TOKEN_PUBLIC_KEYS: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of kid to PEM public key' });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .record(z.string().min(1), z.string().includes('PUBLIC KEY'))
        .refine((r) => Object.keys(r).length > 0, 'at least one key'),
    ),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once, reporting every bad variable at once (never its value, since it may
 * be a secret), and hands out a typed, frozen object.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) input[key] = env[key] === '' ? undefined : env[key];
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      return input[name] === undefined ? `${name}: is required but missing` : `${name}: ${issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  return Object.freeze(result.data) as Readonly<z.infer<z.ZodObject<S>>>;
}

/** Names of variables in the shape declared with secret(): the logger redacts their values. */
export function secretKeys(shape: z.ZodRawShape): string[] {
  return Object.entries(shape)
    .filter(([, schema]) => sensitive.has(schema as z.ZodType))
    .map(([key]) => key);
}

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>>;
export type DatabaseConfig = z.infer<z.ZodObject<typeof databaseConfigShape>>;
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
