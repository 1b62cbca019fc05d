import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import { withFileLock } from '@therapy-room/local-kafka';
import { freePort } from '@therapy-room/local-postgres';
import {
  runContentCli,
  runIdentityCli,
  startServiceProcess,
  type ServiceProcess,
} from '@therapy-room/tools-dev';
import { createTestDatabase, serviceEnv, testSigningKey, uniqueName, type TestDatabase } from './test-infra';
import { TestLogins, type CompletedLogin, type LoginCredentials } from './login-as';
import type { Region } from '@therapy-room/contracts';

/**
 * How long a service process of a test stack may take to be ready: it compiles its TypeScript at start,
 * and in a full run two e2e files may start seven processes each at once on two cores (a start that
 * hangs still fails, with its last log lines).
 */
const ready = { readyTimeoutMs: 150_000 };

/**
 * A stack of five or more service processes starts while holding a lock shared by every test worker on
 * the machine: two such starts at once on two cores each take minutes and may both time out, one after
 * the other each takes seconds. Only the start is serialised; the tests themselves run side by side.
 */
const HEAVY_STACK_OPTIONAL_SERVICES = 3;
const HEAVY_STACK_START_LOCK = join(tmpdir(), 'therapy-room', 'heavy-stack-start.lock');

export interface TestTenant {
  slug: string;
  tenantId: string;
  adminId: string;
  adminEmail: string;
  adminPassword: string;
}

export interface TestStaff extends LoginCredentials {
  userId: string;
  tenantId: string;
}

export interface TestStack {
  gatewayUrl: string;
  identityUrl: string;
  gateway: ServiceProcess;
  identity: ServiceProcess;
  /** Only when started with `{ caseload: true }`; otherwise the gateway's caseload routes answer 503. */
  caseload?: ServiceProcess;
  /** Only when started with `{ content: true }`; otherwise the gateway's content routes answer 503. */
  content?: ServiceProcess;
  /** Only when started with `{ messaging: true }`; otherwise the gateway's messaging routes answer 503. */
  messaging?: ServiceProcess;
  /** Only when started with `{ audit: true }`; otherwise the gateway's audit routes answer 503. */
  audit?: ServiceProcess;
  /** Only when started with `{ retention: true }`; otherwise the gateway's retention routes answer 503. */
  retention?: ServiceProcess;
  db: TestDatabase;
  prefix: string;
  region: Region;
  /** The gateway's metrics endpoint (region stacks only). */
  gatewayMetricsUrl?: string;
  createTenant(overrides?: { slug?: string; seats?: number; operator?: boolean }): Promise<TestTenant>;
  /**
   * An active account with a password, written straight into identity's table (no invitation, no
   * second factor unless its role requires one): for tests about something else than onboarding.
   */
  addActiveUser(
    tenant: TestTenant,
    role: 'client' | 'professional' | 'org_admin',
  ): Promise<LoginCredentials & { id: string }>;
  /** A platform staff account in an operator tenant (created with --operator), via the identity CLI. */
  createStaff(operator: TestTenant): Promise<TestStaff>;
  /** Stops one service and starts it again on the same port with changed settings (e.g. a key rotation). */
  restart(
    service: 'identity' | 'gateway' | 'caseload' | 'content' | 'messaging' | 'audit' | 'retention',
    envOverrides: Record<string, string>,
  ): Promise<void>;
  /** Loads seeds/content into content (only with `{ content: true }`), as `npm start` does. */
  seedContent(): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Another gateway replica (own port, same identity, topics and keys); stopped with the stack. */
  startExtraGateway(envOverrides?: Record<string, string>): Promise<ServiceProcess>;
  /**
   * Logs in through the gateway and returns the session cookie, completing the second factor (and,
   * for an org admin's first login, the enrolment) as the user's authenticator app would.
   */
  loginAs(
    account: LoginCredentials | TestTenant,
    options?: { headers?: Record<string, string> },
  ): Promise<CompletedLogin>;
  /** The authenticators loginAs knows (secrets, recovery codes), per account. */
  logins: TestLogins;
  stop(): Promise<void>;
}

/** Nothing listens on the discard port: a route to a service the test did not start answers 503. */
const NOT_STARTED_URL = 'http://127.0.0.1:9';

/**
 * Identity and gateway (and caseload, content when asked) as real processes (as in production: services never
 * import each other) on this file's own database and topic prefix. Extra env goes to every service
 * (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).
 */
type OptionalService = 'caseload' | 'content' | 'messaging' | 'audit' | 'retention';

/**
 * Where a stack runs when not on the run's shared PostgreSQL and Kafka as an EEA region: a region's
 * own PostgreSQL (superuser URL) and brokers, and a topic prefix shared with the other region (MirrorMaker 2
 * replicates `<prefix>identity.directory-entry.published.v1`).
 */
export interface StackInfrastructure {
  region: Region;
  adminUrl: string;
  brokers: string[];
  prefix: string;
}

export async function startStack(
  extraEnv: Record<string, string> = {},
  options: Partial<Record<OptionalService, boolean>> = {},
  infra?: StackInfrastructure,
): Promise<TestStack> {
  const start = () => startStackProcesses(extraEnv, options, infra);
  const optionalCount = Object.values(options).filter(Boolean).length;
  return optionalCount >= HEAVY_STACK_OPTIONAL_SERVICES
    ? withFileLock(HEAVY_STACK_START_LOCK, start)
    : start();
}

async function startStackProcesses(
  extraEnv: Record<string, string>,
  options: Partial<Record<OptionalService, boolean>>,
  infra: StackInfrastructure | undefined,
): Promise<TestStack> {
  const db = await createTestDatabase(infra?.adminUrl);
  const prefix = infra ? infra.prefix : `${uniqueName('t')}.`;
  const region: Region = infra?.region ?? 'eea';
  const [identityPort, gatewayPort] = [String(await freePort()), String(await freePort())];
  // A region's stack: its own brokers and region, and identity's public URL is its gateway (the base
  // URL of its organisations' directory entries).
  const regionEnv: Record<string, string> = infra
    ? { REGION: infra.region, KAFKA_BROKERS: infra.brokers.join(',') }
    : {};
  extraEnv = { ...regionEnv, ...extraEnv };
  const identityEnv = serviceEnv('identity', {
    ...(await db.provision('identity')),
    PORT: identityPort,
    KAFKA_TOPIC_PREFIX: prefix,
    ...(infra ? { PUBLIC_URL: `http://127.0.0.1:${gatewayPort}` } : {}),
    ...extraEnv,
  });
  const identity = await startServiceProcess('identity', identityEnv, ready);
  // The optional services, each on its own schema and port; a start that fails stops what was started.
  const started: ServiceProcess[] = [identity];
  const optional = async (name: OptionalService, env: Record<string, string> = {}) => {
    if (!options[name]) return { env: undefined, process: undefined };
    const serviceEnvironment = serviceEnv(name, {
      ...(await db.provision(name, { separateOwner: name === 'audit' })),
      PORT: String(await freePort()),
      KAFKA_TOPIC_PREFIX: prefix,
      ...env,
      ...extraEnv,
    });
    const process = await startServiceProcess(name, serviceEnvironment, ready).catch(async (err) => {
      await Promise.allSettled(started.map((s) => s.stop()));
      throw err;
    });
    started.push(process);
    return { env: serviceEnvironment, process };
  };
  /** Content and messaging seal free text with a per-process test master key. */
  const masterKey = () => ({
    DATA_MASTER_KEYS: JSON.stringify({ 'test-1': randomBytes(32).toString('base64') }),
    DATA_MASTER_KEY_ID: 'test-1',
  });
  const { env: caseloadEnv, process: caseload } = await optional('caseload');
  // Exports are assembled in one directory of this run (participants write there, retention packs it).
  const exportRoot = await mkdtemp(join(tmpdir(), 'tr-exports-'));
  const { env: contentEnv, process: content } = await optional('content', {
    ...masterKey(),
    EXPORT_ROOT: exportRoot,
  });
  const { env: messagingEnv, process: messaging } = await optional('messaging', {
    ...masterKey(),
    EXPORT_ROOT: exportRoot,
  });
  const { env: auditEnv, process: audit } = await optional('audit', {
    AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEYS: JSON.stringify({
      'test-1': generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }),
    AUDIT_SIGNING_KEY_ID: 'test-1',
  });
  const { env: retentionEnv, process: retention } = await optional('retention', {
    RETENTION_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
    EXPORT_ROOT: exportRoot,
  });
  const gatewayEnv = serviceEnv('gateway', {
    PORT: gatewayPort,
    KAFKA_TOPIC_PREFIX: prefix,
    IDENTITY_URL: identity.url,
    CASELOAD_URL: caseload?.url ?? NOT_STARTED_URL,
    CONTENT_URL: content?.url ?? NOT_STARTED_URL,
    MESSAGING_URL: messaging?.url ?? NOT_STARTED_URL,
    AUDIT_URL: audit?.url ?? NOT_STARTED_URL,
    RETENTION_URL: retention?.url ?? NOT_STARTED_URL,
    INTERNAL_TOKEN_KID: testSigningKey.kid,
    INTERNAL_TOKEN_PRIVATE_KEY: testSigningKey.privateKeyPem,
    // A region's gateway serves its metrics (e.g. how many organisations its directory holds).
    ...(infra ? { METRICS_PORT: String(await freePort()) } : {}),
    ...extraEnv,
  });
  const gateway = await startServiceProcess('gateway', gatewayEnv, ready).catch(async (err) => {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw err;
  });
  const envs: Record<
    'identity' | 'gateway' | 'caseload' | 'content' | 'messaging' | 'audit' | 'retention',
    Record<string, string>
  > = {
    identity: identityEnv,
    gateway: gatewayEnv,
    caseload: caseloadEnv ?? {},
    content: contentEnv ?? {},
    messaging: messagingEnv ?? {},
    audit: auditEnv ?? {},
    retention: retentionEnv ?? {},
  };
  const extraGateways: ServiceProcess[] = [];
  const logins = new TestLogins(() => stack.gatewayUrl);
  const stack: TestStack = {
    gatewayUrl: gateway.url,
    identityUrl: identity.url,
    gateway,
    identity,
    caseload,
    content,
    messaging,
    audit,
    retention,
    db,
    prefix,
    region,
    gatewayMetricsUrl: gatewayEnv.METRICS_PORT
      ? `http://127.0.0.1:${gatewayEnv.METRICS_PORT}/metrics`
      : undefined,
    async restart(service, envOverrides) {
      if (!stack[service]) throw new Error(`${service} was not started in this stack`);
      await stack[service].stop();
      envs[service] = { ...envs[service], ...envOverrides };
      stack[service] = await startServiceProcess(service, envs[service], ready);
    },
    logins,
    loginAs(account, options) {
      const credentials =
        'adminEmail' in account
          ? { organisation: account.slug, email: account.adminEmail, password: account.adminPassword }
          : account;
      return logins.loginAs(credentials, options);
    },
    seedContent() {
      if (!stack.content) throw new Error('content was not started in this stack');
      return runContentCli(['seed-library'], { ...envs.content, LOG_LEVEL: 'error' });
    },
    async startExtraGateway(envOverrides = {}) {
      const extra = await startServiceProcess(
        'gateway',
        {
          ...envs.gateway,
          IDENTITY_URL: stack.identity.url,
          ...(stack.caseload ? { CASELOAD_URL: stack.caseload.url } : {}),
          ...(stack.content ? { CONTENT_URL: stack.content.url } : {}),
          ...(stack.messaging ? { MESSAGING_URL: stack.messaging.url } : {}),
          ...(stack.audit ? { AUDIT_URL: stack.audit.url } : {}),
          ...(stack.retention ? { RETENTION_URL: stack.retention.url } : {}),
          PORT: String(await freePort()),
          ...envOverrides,
        },
        ready,
      );
      extraGateways.push(extra);
      return extra;
    },
    async createTenant(overrides = {}) {
      const slug = overrides.slug ?? uniqueName('org').replace(/_/g, '-');
      const adminEmail = `admin@${slug}.example`;
      const adminPassword = 'Correct-Horse-Battery-9!';
      const result = await runIdentityCli(
        [
          'create-tenant',
          '--slug',
          slug,
          '--name',
          `Org ${slug}`,
          '--region',
          region,
          '--seats',
          String(overrides.seats ?? 5),
          '--admin-email',
          adminEmail,
          '--admin-name',
          'Admin',
          ...(overrides.operator ? ['--operator'] : []),
        ],
        { ...identityEnv, LOG_LEVEL: 'error', TENANT_ADMIN_PASSWORD: adminPassword },
      );
      if (result.code !== 0) throw new Error(`create-tenant failed (${result.code}): ${result.stderr}`);
      const { tenantId, adminId } = JSON.parse(result.stdout) as { tenantId: string; adminId: string };
      return { slug, tenantId, adminId, adminEmail, adminPassword };
    },
    async addActiveUser(tenant, role) {
      const id = randomUUID();
      const email = `${role}-${id.slice(0, 8)}@${tenant.slug}.example`;
      const password = 'Client-Passphrase-2026!';
      await db.query(
        `INSERT INTO identity.user_account (id, tenant_id, email, display_name, role, status, password_hash)
         VALUES ($1, $2, $3, $4, $5, 'active', $6)`,
        [
          id,
          tenant.tenantId,
          email,
          `Test ${role}`,
          role,
          await argon2.hash(password, { type: argon2.argon2id }),
        ],
      );
      return { id, organisation: tenant.slug, email, password };
    },
    async createStaff(operator) {
      const email = `${uniqueName('staff').replace(/_/g, '-')}@${operator.slug}.example`;
      const password = 'Staff-Horse-Battery-9!';
      const result = await runIdentityCli(
        ['create-staff', '--email', email, '--name', 'Platform Staff', '--tenant', operator.slug],
        { ...identityEnv, LOG_LEVEL: 'error', STAFF_PASSWORD: password },
      );
      if (result.code !== 0) throw new Error(`create-staff failed (${result.code}): ${result.stderr}`);
      const { userId, tenantId } = JSON.parse(result.stdout) as { userId: string; tenantId: string };
      return { organisation: operator.slug, email, password, userId, tenantId };
    },
    async stop() {
      await Promise.allSettled([
        stack.gateway.stop(),
        stack.identity.stop(),
        stack.caseload?.stop(),
        stack.content?.stop(),
        stack.messaging?.stop(),
        stack.audit?.stop(),
        stack.retention?.stop(),
        ...extraGateways.map((g) => g.stop()),
      ]);
      await db.drop();
      await rm(exportRoot, { recursive: true, force: true });
    },
  };
  return stack;
}
