// Identity and the gateway as real processes on their own PostgreSQL (durable) and Kafka, with a
// tenant and N professionals who share one password: what the gateway and login benchmarks stand on.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import argon2 from 'argon2';
import { Client } from 'pg';
import { generateSigningKey } from '@therapy-room/auth';
import { freePort } from '@therapy-room/local-postgres';
import { runIdentityCli, startServiceProcess, type ServiceProcess } from '@therapy-room/tools-dev';
import { onCleanup, progress } from './lifecycle';
import { startBenchKafka, startBenchPostgres } from './infrastructure';

/** identity's own parameters (services/identity/src/common/password-hasher.ts). */
export const IDENTITY_ARGON2 = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface GatewayStack {
  identity: ServiceProcess;
  gateway: ServiceProcess;
  identityMetricsUrl: string;
  /** The organisation's slug, the accounts' e-mail addresses, their password and its hash. */
  slug: string;
  emails: string[];
  password: string;
  hash: string;
  loginBody(email: string): string;
  /** A session cookie (`name=value`) of the first account. */
  login(): Promise<string>;
}

export async function startGatewayStack(options: {
  verbose: boolean;
  accounts: number;
  /** Where the gateway sends /api/caseload (a trivial upstream); every other service is not started. */
  caseloadUrl?: string;
  /** Extra environment of the gateway process (a CPU profiler's preload). */
  gatewayEnv?: Record<string, string>;
  identityEnv?: Record<string, string>;
}): Promise<GatewayStack> {
  const [postgres, kafkaInfo] = await Promise.all([
    startBenchPostgres({ verbose: options.verbose }),
    startBenchKafka({ verbose: options.verbose }),
  ]);
  const { pg, database } = postgres;
  const suffix = database.slice('bench_'.length);
  const admin = new Client({ connectionString: pg.adminUrl(database) });
  await admin.connect();
  onCleanup('admin connection', () => admin.end());

  const signingKey = generateSigningKey(`bench-${suffix}`);
  const common = {
    REGION: 'eea',
    HOST: '127.0.0.1',
    LOG_LEVEL: options.verbose ? 'info' : 'warn',
    KAFKA_BROKERS: kafkaInfo.brokers.join(','),
    KAFKA_TOPIC_PREFIX: `bench-${suffix}.`,
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
  };
  const start = async (name: string, env: Record<string, string>) => {
    const service = await startServiceProcess(name, env, {
      readyTimeoutMs: 150_000,
      onLine: options.verbose ? (l) => progress(`${name}: ${l}`) : undefined,
    });
    onCleanup(name, () => service.stop());
    return service;
  };
  progress('starting identity and the gateway');
  const identityMetricsPort = await freePort();
  const { DATABASE_URL, DATABASE_SCHEMA } = await postgres.provision('identity');
  const identityEnv = {
    ...common,
    SERVICE_NAME: 'identity',
    PORT: String(await freePort()),
    METRICS_PORT: String(identityMetricsPort),
    DATABASE_URL,
    DATABASE_SCHEMA,
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...options.identityEnv,
  };
  const identity = await start('identity', identityEnv);
  const NOT_STARTED = 'http://127.0.0.1:9';
  const gateway = await start('gateway', {
    ...common,
    ...options.gatewayEnv,
    SERVICE_NAME: 'gateway',
    PORT: String(await freePort()),
    IDENTITY_URL: identity.url,
    CASELOAD_URL: options.caseloadUrl ?? NOT_STARTED,
    CONTENT_URL: NOT_STARTED,
    MESSAGING_URL: NOT_STARTED,
    AUDIT_URL: NOT_STARTED,
    RETENTION_URL: NOT_STARTED,
    INTERNAL_TOKEN_KID: signingKey.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: signingKey.privateKeyPem,
  });

  const password = 'Bench-Passphrase-2026!';
  const slug = `bench-${suffix}`;
  const created = await runIdentityCli(
    [
      'create-tenant',
      '--slug',
      slug,
      '--name',
      'Bench',
      '--region',
      'eea',
      '--seats',
      String(options.accounts + 1),
      '--admin-email',
      `admin@${slug}.example`,
      '--admin-name',
      'Admin',
    ],
    { ...identityEnv, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: password },
  );
  if (created.code !== 0) throw new Error(`create-tenant failed: ${created.stderr}`);
  const tenantId = (JSON.parse(created.stdout) as { tenantId: string }).tenantId;
  const hash = await argon2.hash(password, IDENTITY_ARGON2);
  const emails = Array.from({ length: options.accounts }, (_, i) => `pro-${i}@${slug}.example`);
  for (const email of emails) {
    await admin.query(
      `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
       VALUES ($1, $2, $3, 'Bench professional', 'professional', 'active', $4)`,
      [randomUUID(), tenantId, email, hash],
    );
  }
  const loginBody = (email: string) => JSON.stringify({ organisation: slug, email, password });
  return {
    identity,
    gateway,
    identityMetricsUrl: `http://127.0.0.1:${identityMetricsPort}/metrics`,
    slug,
    emails,
    password,
    hash,
    loginBody,
    async login() {
      const res = await fetch(`${gateway.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: loginBody(emails[0]),
      });
      const cookie = res.headers
        .getSetCookie()
        .find((c) => c.startsWith('__Host-tr_session='))
        ?.split(';')[0];
      if (res.status !== 200 || !cookie) throw new Error(`login answered ${res.status}`);
      return cookie;
    },
  };
}

export const profilerPreload = path.join(__dirname, '..', 'caseload', 'profile-preload.ts');
