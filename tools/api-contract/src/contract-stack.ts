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
  /** A role's session cookie (`__Host-tr_session=…`), opened while seeding. */
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
    stack = await startStack(
      // Sessions are opened once, before the runs (a long run must not outlast their idle timeout).
      { OPENAPI_DOCS: 'true', SESSION_IDLE_TIMEOUT_SECONDS: String(4 * 60 * 60) },
      { caseload: true, content: true, messaging: true, audit: true, retention: true },
    );
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
  const own = (await stack.loginAs(staff)).cookie;
  const grant = await api('POST', '/api/staff-access/grants', own, {
    tenantSlug: org.slug,
    reason: 'Contract test of the public API under an access grant',
    durationMinutes: 480,
  });
  await api('POST', `/api/staff-access/grants/${String(grant.body.id)}/approve`, admin);
  log('platform staff: an approved access grant');
  // Every session is opened now: fuzzing the login routes later throttles this address's logins.
  // (Their idle timeout is raised for the stack, so that the last run's session is still alive.)
  const used = await api('POST', `/api/staff-access/grants/${String(grant.body.id)}/use`, own);
  const staffCookie = sessionCookieOf(used.res.headers.getSetCookie());
  if (!staffCookie) throw new Error('using the grant set no session cookie');
  const cookies: Record<Role, string> = {
    org_admin: admin,
    professional,
    client: (await stack.loginAs(client)).cookie,
    platform_staff: staffCookie,
  };
  const login = (role: Role) => Promise.resolve(cookies[role]);
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
