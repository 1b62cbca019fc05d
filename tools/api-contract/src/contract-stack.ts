import { identityUserProfileChangedV1, identityUserRegisteredV1 } from '@therapy-room/contracts';
import { startPostgresOrUseExternal } from '@therapy-room/local-postgres';
import { startKafkaOrUseExternal } from '@therapy-room/local-kafka';
import {
  expectEventually,
  publishEvent,
  sessionCookieOf,
  startStack,
  type TestStack,
} from '@therapy-room/testing';

export type Role = 'org_admin' | 'professional' | 'client' | 'platform_staff';

export interface Seeded {
  /** The organisation's slug (login, password reset, SSO, staff grants name it). */
  organisation: string;
  clientId: string;
  professionalId: string;
  conversationId: string;
}

export interface ContractStack {
  stack: TestStack;
  /**
   * A new session for a role (`__Host-tr_session=…`): one per run, so that no session idles out
   * while the runs before it take their time.
   */
  login(role: Role): Promise<string>;
  /** What was seeded, for the fuzzer to use besides random ids. */
  seeded: Seeded;
  stop(): Promise<void>;
}

/**
 * The whole platform as `npm start` runs it (a real PostgreSQL and Kafka, every service as its own
 * process, the content library seeded), with the gateway serving GET /api/docs, and one organisation
 * in which each role has a session: an org admin (TOTP, enrolled at first login), a professional with
 * a client on their caseload and a conversation, the client, and a platform staff member acting
 * under an approved access grant.
 */
export async function startContractStack(
  log: (line: string) => void,
  options: { seed?: boolean } = {},
): Promise<ContractStack> {
  const [postgres, kafka] = await Promise.all([
    startPostgresOrUseExternal({ fast: true }),
    startKafkaOrUseExternal(),
  ]);
  // libs/testing's stack reads these, as under the test runner's global setup.
  process.env.TEST_DATABASE_ADMIN_URL = postgres.adminUrl();
  process.env.KAFKA_BROKERS = kafka.brokers.join(',');
  log(`postgres on ${postgres.port}, kafka on ${kafka.brokers.join(',')}`);
  const stopInfra = async () => {
    await kafka.stop();
    await postgres.stop();
  };
  let stack: TestStack;
  try {
    stack = await startStack({ OPENAPI_DOCS: 'true' }, { caseload: true, content: true, messaging: true });
  } catch (err) {
    await stopInfra();
    throw err;
  }
  const stop = async () => {
    await stack.stop();
    await stopInfra();
  };
  log(`gateway on ${stack.gatewayUrl}`);
  if (options.seed === false) {
    const login = () => Promise.reject(new Error('started without seeding'));
    return { stack, login, seeded: {} as Seeded, stop };
  }
  try {
    return { stack, ...(await seed(stack, log)), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function seed(
  stack: TestStack,
  log: (line: string) => void,
): Promise<{ login: (role: Role) => Promise<string>; seeded: Seeded }> {
  const seeded = await stack.seedContent();
  if (seeded.code !== 0) throw new Error(`seeding the content library failed: ${seeded.stderr}`);
  const api = async (method: string, path: string, cookie: string, body?: unknown) => {
    const res = await fetch(`${stack.gatewayUrl}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return { res, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const org = await stack.createTenant();
  const admin = (await stack.loginAs(org)).cookie;
  const pro = await stack.addActiveUser(org, 'professional');
  const client = await stack.addActiveUser(org, 'client');
  // Written straight into identity's table: the registration events the other services learn from.
  for (const [account, role, name] of [
    [pro, 'professional', 'Petra Professional'],
    [client, 'client', 'Karel Client'],
  ] as const) {
    const envelope = { tenantId: org.tenantId, subjectId: account.id };
    await publishEvent(stack.prefix, identityUserRegisteredV1, { userId: account.id, role }, envelope);
    await publishEvent(
      stack.prefix,
      identityUserProfileChangedV1,
      { userId: account.id, displayName: name },
      envelope,
    );
  }
  await expectEventually(
    () => api('POST', '/api/caseload/assignments', admin, { clientId: client.id, professionalId: pro.id }),
    { timeoutMs: 30_000 },
  );
  const professional = (await stack.loginAs(pro)).cookie;
  const conversation = await expectEventually(
    () => api('POST', '/api/messaging/conversations', professional, { clientId: client.id }),
    { timeoutMs: 30_000 },
  );
  log(`organisation ${org.slug}: admin, professional, client (assigned, one conversation)`);

  const operator = await stack.createTenant({ operator: true });
  const staff = await stack.createStaff(operator);
  const staffCookie = (await stack.loginAs(staff)).cookie;
  const grant = await api('POST', '/api/staff-access/grants', staffCookie, {
    tenantSlug: org.slug,
    reason: 'Contract test of the public API under an access grant',
    durationMinutes: 480,
  });
  await api('POST', `/api/staff-access/grants/${String(grant.body.id)}/approve`, admin);
  log('platform staff: an approved access grant');
  const login = async (role: Role): Promise<string> => {
    if (role === 'org_admin') return (await stack.loginAs(org)).cookie;
    if (role === 'professional') return (await stack.loginAs(pro)).cookie;
    if (role === 'client') return (await stack.loginAs(client)).cookie;
    // Platform staff act in the organisation once they use the grant: a new session (cookie).
    const own = (await stack.loginAs(staff)).cookie;
    const used = await api('POST', `/api/staff-access/grants/${String(grant.body.id)}/use`, own);
    const cookie = sessionCookieOf(used.res.headers.getSetCookie());
    if (!cookie) throw new Error('using the grant set no session cookie');
    return cookie;
  };
  return {
    login,
    seeded: {
      organisation: org.slug,
      clientId: client.id,
      professionalId: pro.id,
      conversationId: String(conversation.body.id),
    },
  };
}
