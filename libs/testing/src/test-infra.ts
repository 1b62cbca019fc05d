import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureDatabase, ensureProvisioningAdmin, provisionServiceSchema } from '@therapy-room/platform';
import { gatewayCallPurpose, generateSigningKey, signGatewayServiceToken } from '@therapy-room/auth';

export const testAdminUrl = (database = 'postgres'): string => runAdminUrl(database);
const runAdminUrl = (database: string): string => {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url)
    throw new Error(
      'TEST_DATABASE_ADMIN_URL is not set: integration tests run through the root jest config (npm test)',
    );
  return Object.assign(new URL(url), { pathname: `/${database}` }).toString();
};
/** The non-superuser administrator (LOGIN CREATEROLE CREATEDB) that provisions roles and schemas in tests. */
export const TEST_PROVISIONING_ADMIN = 'therapy_room_test_admin';
export const testProvisionUrl = (database = 'postgres'): string => {
  const url = process.env.TEST_DATABASE_PROVISION_URL;
  if (!url)
    throw new Error(
      'TEST_DATABASE_PROVISION_URL is not set: integration tests run through the root jest config (npm test)',
    );
  return Object.assign(new URL(url), { pathname: `/${database}` }).toString();
};
/**
 * Points the test helpers at a PostgreSQL server: its superuser (databases, test inspection) and a
 * non-superuser administrator created from it, which provisions every role and schema as in a cluster,
 * so a statement only a superuser may run fails in the tests too.
 */
export async function useTestPostgres(superuserUrl: string): Promise<void> {
  process.env.TEST_DATABASE_ADMIN_URL = superuserUrl;
  process.env.TEST_DATABASE_PROVISION_URL = await ensureProvisioningAdmin(
    superuserUrl,
    TEST_PROVISIONING_ADMIN,
    rolePassword(TEST_PROVISIONING_ADMIN),
  );
}
export const testBrokers = (): string[] => {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error(
      'KAFKA_BROKERS is not set: integration tests run through the root jest config (npm test)',
    );
  return brokers.split(',');
};

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(5).toString('hex')}`;

/** Role passwords are fixed per role: roles are cluster-wide and shared by parallel test files. */
const rolePassword = (role: string) => `${role}-local-password`;

export interface TestDatabase {
  name: string;
  adminUrl: string;
  /**
   * Provisions a service's role and schema in this database and returns its env (DATABASE_URL,
   * DATABASE_SCHEMA; with `separateOwner`, DATABASE_OWNER_URL of a `<schema>_owner` role that owns the schema).
   */
  provision(
    service: string,
    options?: { separateOwner?: boolean },
  ): Promise<{
    DATABASE_URL: string;
    DATABASE_SCHEMA: string;
    DATABASE_OWNER_URL?: string;
    DATA_KEYS_DATABASE_URL: string;
    DATA_KEYS_SCHEMA: string;
  }>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The key database of this test (data keys live apart from the data, as in a region). */
  keysName: string;
  keysQuery<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * One admin connection, opened on first use and opened again on the next query after the server
 * went away (the fault suite stops PostgreSQL immediately under it): a lost connection is an
 * 'error' event of the client, which would otherwise be an unhandled error of the test process.
 */
function reconnectingClient(url: string) {
  let client: Promise<Client> | undefined;
  const connect = async () => {
    const opened = new Client({ connectionString: url });
    opened.on('error', () => {
      if (client === current) client = undefined;
      void opened.end().catch(() => undefined);
    });
    const current = opened.connect().then(() => opened);
    client = current;
    return current.catch((err: unknown) => {
      if (client === current) client = undefined;
      throw err;
    });
  };
  return {
    async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
      const connected = await (client ?? connect());
      return (await connected.query(sql, params)).rows as T[];
    },
    async end(): Promise<void> {
      const open = client;
      client = undefined;
      await open?.then((c) => c.end()).catch(() => undefined);
    },
  };
}

/**
 * A fresh database per test file (cheap: PostgreSQL copies template1), on the run's PostgreSQL or on
 * another server (its superuser URL: e.g. a second region's own PostgreSQL).
 */
export async function createTestDatabase(serverAdminUrl?: string): Promise<TestDatabase> {
  const testAdminUrl = (database = 'postgres') =>
    serverAdminUrl
      ? Object.assign(new URL(serverAdminUrl), { pathname: `/${database}` }).toString()
      : runAdminUrl(database);
  // Another server gets its own non-superuser provisioning administrator, as the run's server has.
  const provisionUrl = serverAdminUrl
    ? await ensureProvisioningAdmin(
        testAdminUrl(),
        TEST_PROVISIONING_ADMIN,
        rolePassword(TEST_PROVISIONING_ADMIN),
      )
    : testProvisionUrl();
  const name = uniqueName('t');
  const keysName = `${name}_keys`;
  // Owned by the provisioning administrator, as CloudNativePG's initdb makes its owner.
  await ensureDatabase(testAdminUrl(), name, undefined, TEST_PROVISIONING_ADMIN);
  await ensureDatabase(testAdminUrl(), keysName, undefined, TEST_PROVISIONING_ADMIN);
  const adminUrl = testAdminUrl(name);
  const admin = reconnectingClient(adminUrl);
  const keysAdmin = reconnectingClient(testAdminUrl(keysName));
  await Promise.all([admin.query('SELECT 1'), keysAdmin.query('SELECT 1')]);
  return {
    name,
    adminUrl,
    keysName,
    async provision(service: string, options: { separateOwner?: boolean } = {}) {
      const schema = service.replace(/-/g, '_');
      const role = `${schema}_svc`;
      const owner = options.separateOwner ? `${schema}_owner` : undefined;
      await provisionServiceSchema({
        adminUrl: provisionUrl,
        database: name,
        schema,
        role,
        password: rolePassword(role),
        owner: owner ? { role: owner, password: rolePassword(owner) } : undefined,
      });
      // The service's schema in the key database, reached through its own key role.
      const keysRole = `${schema}_keys`;
      await provisionServiceSchema({
        adminUrl: provisionUrl,
        database: keysName,
        schema,
        role: keysRole,
        password: rolePassword(keysRole),
      });
      const urlOf = (r: string, database = adminUrl) =>
        Object.assign(new URL(database), { username: r, password: rolePassword(r) }).toString();
      return {
        DATABASE_URL: urlOf(role),
        DATABASE_SCHEMA: schema,
        ...(owner ? { DATABASE_OWNER_URL: urlOf(owner) } : {}),
        DATA_KEYS_DATABASE_URL: urlOf(keysRole, testAdminUrl(keysName)),
        DATA_KEYS_SCHEMA: schema,
      };
    },
    query: admin.query,
    keysQuery: keysAdmin.query,
    async drop() {
      await admin.end();
      await keysAdmin.end();
      const root = new Client({ connectionString: testAdminUrl() });
      await root.connect();
      await root
        .query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        .then(() => root.query(`DROP DATABASE IF EXISTS ${keysName} WITH (FORCE)`))
        .finally(() => root.end());
    },
  };
}

/** One signing key per test process: the gateway signs with it, services trust its public half. */
export const testSigningKey = generateSigningKey('test-key');

/**
 * The Authorization header the gateway sends on identity's gateway-only routes (login, second factor,
 * session resolution, SSO, activation, password reset): a service token for this method and path.
 */
export const gatewayCredential = (method: string, path: string): string =>
  `Bearer ${signGatewayServiceToken(testSigningKey, 'identity', gatewayCallPurpose(method, path))}`;

/** Encrypts TOTP secrets at rest in identity (one per test process). */
export const testTotpEncryptionKey = randomBytes(32).toString('base64');

/** A complete environment for one service in a test: real brokers, an isolated topic prefix, quiet logs. */
export function serviceEnv(service: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SERVICE_NAME: service,
    REGION: 'eea',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    KAFKA_BROKERS: testBrokers().join(','),
    OUTBOX_POLL_INTERVAL_MS: '250',
    INTERNAL_TOKEN_PUBLIC_KEYS: JSON.stringify({ [testSigningKey.kid]: testSigningKey.publicKeyPem }),
    TOTP_ENCRYPTION_KEY: testTotpEncryptionKey,
    ...overrides,
  };
}

/** Runs fn with process.env extended by env, restoring it afterwards (config is read at app creation). */
export async function withEnv<T>(env: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
