import { randomUUID } from 'node:crypto';
import { identityUserProfileChangedV1, identityUserRegisteredV1, topics } from '@therapy-room/contracts';
import {
  expectEventually,
  publishEvent,
  startSmtpSink,
  startStack,
  type LoginCredentials,
  type TestStack,
  useTestPostgres,
} from '@therapy-room/testing';
import { consumerLag, startFaultInfra, tableChecksums } from './fault-stack';

/**
 * Nothing acknowledged is lost, nothing is duplicated, when things break under load. Professionals
 * send messages through the gateway while the suite kills the Kafka broker (-9) and starts it again,
 * stops PostgreSQL immediately (no checkpoint, connections cut) and starts it again, and kills
 * messaging and the gateway (-9) and starts them again. A sender whose request fails retries it with
 * the same message id until it is acknowledged (as the web app does). Then every acknowledged message
 * is in the recipient's conversation exactly once, nothing else is, and the outbox and every consumer
 * group are back to zero lag within 60 s of the last fault. Real processes on a PostgreSQL and a
 * broker of the suite's own. FAULT_SENDS scales it (`npm test`: 200; the full run: 10,000).
 *
 * Then a replay: every service reads every topic again from offset 0 under a new consumer group, and
 * not one row of any table changes.
 */
const SENDS = Number(process.env.FAULT_SENDS ?? 200);
/** Time the sending may take: generous per send (a loaded machine manages a few sends a second). */
const SENDING_MS = 600_000 + SENDS * 250;
const PAIRS = 4;
const SENDERS_PER_PAIR = 2;
/** Every service's schema; all of them consume events. */
const SERVICES = ['identity', 'caseload', 'content', 'messaging', 'audit'] as const;
/**
 * The consumer groups services share (one per service and topic); a broadcast group (per process,
 * from the latest offset) of a killed process stays behind for ever and is not one of them.
 */
const sharedGroups = (prefix: string) =>
  new Set(SERVICES.flatMap((service) => topics.map((topic) => `${prefix}${service}.${topic}`)));
const report = (line: string) => process.stdout.write(`fault suite: ${line}\n`);

describe(`${SENDS} acknowledged sends under faults`, () => {
  let infra: Awaited<ReturnType<typeof startFaultInfra>>;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let stack: TestStack;
  const savedEnv = { ...process.env };
  const pairs: {
    pro: { id: string; cookie: string };
    client: { id: string; credentials: LoginCredentials };
    conversationId: string;
  }[] = [];

  /**
   * A session cookie. The gateway answers a login 503 when identity has not answered within
   * UPSTREAM_TIMEOUT_MS (password hashes queued on a loaded machine): the person tries again, and so
   * does this.
   */
  const logIn = (account: Parameters<TestStack['loginAs']>[0]) =>
    expectEventually(async () => (await stack.loginAs(account)).cookie, {
      timeoutMs: 120_000,
      intervalMs: 1000,
    });

  beforeAll(async () => {
    infra = await startFaultInfra();
    // The stack's databases and topics live on the suite's own servers.
    await useTestPostgres(infra.postgres.adminUrl);
    process.env.KAFKA_BROKERS = infra.kafka.brokers.join(',');
    smtp = await startSmtpSink();
    stack = await startStack(
      {
        SMTP_URL: smtp.url,
        OUTBOX_POLL_INTERVAL_MS: '500',
        // Audit checkpoints by time are writes of the clock, not of any event: none during the run,
        // so the replay's checksums compare only what events wrote (checkpoints by count still happen).
        AUDIT_CHECKPOINT_INTERVAL_SECONDS: '86400',
      },
      { caseload: true, content: true, messaging: true, audit: true },
    );
    const org = await stack.createTenant({ seats: 2 * PAIRS + 2 });
    const admin = await logIn(org);
    const announce = async (id: string, role: 'professional' | 'client') => {
      await publishEvent(
        stack.prefix,
        identityUserRegisteredV1,
        { userId: id, role },
        {
          tenantId: org.tenantId,
          subjectId: id,
        },
      );
      await publishEvent(
        stack.prefix,
        identityUserProfileChangedV1,
        { userId: id, displayName: `${role} ${id.slice(0, 4)}` },
        { tenantId: org.tenantId, subjectId: id },
      );
    };
    // One pair after the other: identity refuses a burst of logins (503) to keep its event loop free.
    for (let i = 0; i < PAIRS; i += 1) {
      pairs.push(
        await (async () => {
          const pro = await stack.addActiveUser(org, 'professional');
          const client = await stack.addActiveUser(org, 'client');
          await announce(pro.id, 'professional');
          await announce(client.id, 'client');
          await expectEventually(async () => {
            const res = await fetch(`${stack.gatewayUrl}/api/caseload/assignments`, {
              method: 'POST',
              headers: { cookie: admin, 'content-type': 'application/json' },
              body: JSON.stringify({ clientId: client.id, professionalId: pro.id }),
            });
            expect(res.status).toBe(201);
          });
          const proCookie = await logIn(pro);
          const conversationId = await expectEventually(async () => {
            const res = await fetch(`${stack.gatewayUrl}/api/messaging/conversations`, {
              method: 'POST',
              headers: { cookie: proCookie, 'content-type': 'application/json' },
              body: JSON.stringify({ clientId: client.id }),
            });
            expect(res.status).toBe(201);
            return ((await res.json()) as { id: string }).id;
          });
          return {
            pro: { id: pro.id, cookie: proCookie },
            client: { id: client.id, credentials: client },
            conversationId,
          };
        })(),
      );
    }
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
    await infra?.stop();
    process.env = savedEnv;
  }, 120_000);

  /** Acknowledged sends: the message id the service answered, per conversation. */
  const acknowledged = new Map<string, string[]>();
  const counts = { sent: 0, created: 0, retriedAnsweredOriginal: 0, failedAttempts: 0, refusedAttempts: 0 };

  /** Sends one message, retrying with the same id until it is acknowledged (2xx). */
  async function sendUntilAcknowledged(pair: (typeof pairs)[number], n: number): Promise<void> {
    const id = randomUUID();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const res = await fetch(
        `${stack.gatewayUrl}/api/messaging/conversations/${pair.conversationId}/messages`,
        {
          method: 'POST',
          headers: { cookie: pair.pro.cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ id, body: `Message ${n} of the fault run` }),
          signal: AbortSignal.timeout(20_000),
        },
      ).catch(() => undefined);
      if (res && (res.status === 201 || res.status === 200)) {
        const message = (await res.json()) as { id: string };
        acknowledged.get(pair.conversationId)!.push(message.id);
        counts[res.status === 201 ? 'created' : 'retriedAnsweredOriginal'] += 1;
        return;
      }
      await res?.arrayBuffer().catch(() => undefined);
      // A refusal that a retry cannot change is a failure of the suite, not a fault to ride out.
      if (res && [400, 409, 413].includes(res.status))
        throw new Error(`send ${n} refused with ${res.status}`);
      if (res) counts.refusedAttempts += 1;
      else counts.failedAttempts += 1;
      if (Date.now() > deadline) throw new Error(`send ${n} not acknowledged within 180 s`);
      await readyForSends(deadline);
    }
  }

  /**
   * Resolves once the gateway and messaging both answer /health/ready (messaging's readiness includes
   * its database): the state a failed send waits for before its retry. One probe at a time is shared
   * by every waiting sender; it throws after the deadline.
   */
  let readiness: Promise<void> | undefined;
  function readyForSends(deadline: number): Promise<void> {
    readiness ??= (async () => {
      for (;;) {
        const urls = [stack.gateway.url, stack.messaging!.url];
        const ready = await Promise.all(
          urls.map((url) =>
            fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) })
              .then((r) => r.ok)
              .catch(() => false),
          ),
        );
        if (ready.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error('gateway or messaging not ready before the deadline');
        await new Promise((r) => setTimeout(r, 100));
      }
    })().finally(() => (readiness = undefined));
    return readiness;
  }

  /**
   * Every message of a conversation as its recipient's catch-up API lists it (paging back), in a
   * session of the recipient's opened now (the one from the start may have passed its idle timeout).
   */
  async function listAll(pair: (typeof pairs)[number]): Promise<string[]> {
    const cookie = await logIn(pair.client.credentials);
    const ids: string[] = [];
    let before: string | null = null;
    for (;;) {
      const query: string = `limit=100${before ? `&before=${before}` : ''}`;
      const res = await fetch(
        `${stack.gatewayUrl}/api/messaging/conversations/${pair.conversationId}/messages?${query}`,
        { headers: { cookie } },
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string; mine: boolean }[]; before: string | null };
      ids.unshift(...page.items.map((m) => m.id));
      expect(page.items.every((m) => !m.mine)).toBe(true);
      if (!page.before) return ids;
      before = page.before;
    }
  }

  let lastFaultAt = 0;

  /** Nothing waits in any service's outbox and no shared consumer group is behind. */
  async function expectSettled(): Promise<void> {
    const outbox = await stack.db.query<{ n: number }>(
      SERVICES.map((s) => `SELECT count(*)::int AS n FROM ${s}.outbox`).join(' UNION ALL '),
    );
    expect(outbox.reduce((n, r) => n + r.n, 0)).toBe(0);
    const lag = await consumerLag(infra.admin, stack.prefix);
    const shared = [...lag].filter(([group]) => sharedGroups(stack.prefix).has(group));
    expect(shared.filter(([, behind]) => behind > 0)).toEqual([]);
  }

  it(
    'every acknowledged message reaches its recipient exactly once; outbox and consumer lag at zero within 60 s of the last fault',
    async () => {
      for (const pair of pairs) acknowledged.set(pair.conversationId, []);
      const started = Date.now();
      const done = () => counts.created + counts.retriedAnsweredOriginal;
      const progress = (share: number) =>
        expectEventually(() => expect(done()).toBeGreaterThanOrEqual(Math.floor(SENDS * share)), {
          timeoutMs: SENDING_MS,
          intervalMs: 100,
        });
      const restartService = async (name: 'messaging' | 'gateway') => {
        await stack[name]!.stop('SIGKILL'); // resolves on the process's exit event
        // On a crowded machine a start can miss its 60 s readiness window: try again, as an orchestrator would.
        await stack.restart(name, {}).catch(() => stack.restart(name, {}));
      };
      const faultLog: string[] = [];
      const fault = async (name: string, run: () => Promise<void>) => {
        const at = Date.now();
        await run();
        lastFaultAt = Date.now();
        faultLog.push(
          `${name} at ${((at - started) / 1000).toFixed(1)} s, back after ${lastFaultAt - at} ms`,
        );
      };
      let faultsDone = false;
      /** Sends held in messaging's outbox (not yet published): they pile up while the broker is down. */
      const unpublished = async () =>
        (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messaging.outbox`))[0].n;
      const failedSoFar = () => counts.failedAttempts + counts.refusedAttempts;
      const faults = (async () => {
        await progress(0.1);
        await fault('Kafka broker kill -9', async () => {
          await infra.kafka.kill(); // resolves on the broker process's exit
          // Down until acknowledged sends wait in the outbox for it: the outage happened under load.
          const before = await unpublished();
          await expectEventually(
            async () => expect(await unpublished()).toBeGreaterThanOrEqual(before + 20),
            {
              timeoutMs: 60_000,
            },
          );
          await infra.kafka.start(); // resolves once the broker answers metadata and creates topics
        });
        await progress(0.3);
        await fault('PostgreSQL immediate stop', async () => {
          const failedBefore = failedSoFar();
          await infra.postgres.stopImmediately(); // resolves on the postmaster's exit
          // Down until a sender's attempt failed on it.
          await expectEventually(() => expect(failedSoFar()).toBeGreaterThan(failedBefore), {
            timeoutMs: 60_000,
          });
          await infra.postgres.start(); // resolves once the server accepts connections
        });
        await progress(0.5);
        await fault('messaging kill -9', () => restartService('messaging'));
        await progress(0.7);
        await fault('gateway kill -9', () => restartService('gateway'));
      })().finally(() => (faultsDone = true));

      // Senders go on until the count is reached and every fault happened under load.
      let next = 0;
      await Promise.all(
        pairs.flatMap((pair) =>
          Array.from({ length: SENDERS_PER_PAIR }, async () => {
            while (next < SENDS || !faultsDone) {
              next += 1;
              counts.sent += 1;
              await sendUntilAcknowledged(pair, next);
            }
          }),
        ),
      );
      await faults;
      const sendingMs = Date.now() - started;
      const acked = [...acknowledged.values()].reduce((n, ids) => n + ids.length, 0);
      for (const line of faultLog) report(line);
      report(
        `${counts.sent} sends, ${acked} acknowledged (${counts.created} created, ${counts.retriedAnsweredOriginal} retries answered with the original) in ${(sendingMs / 1000).toFixed(1)} s; ` +
          `${counts.failedAttempts} attempts without an answer, ${counts.refusedAttempts} answered non-2xx (retried)`,
      );

      // Back to zero: nothing waits in any outbox, no consumer group is behind (within 60 s of the last fault).
      // Under load the lag is never zero for long: the 60 s run from the later of the last fault and the
      // last acknowledged send.
      const quietSince = Math.max(lastFaultAt, started + sendingMs);
      const drained = await expectEventually(
        async () => {
          await expectSettled();
          return Date.now() - quietSince;
        },
        { timeoutMs: 60_000 - (Date.now() - quietSince), intervalMs: 250 },
      );

      report(
        `outbox and consumer lag at zero ${drained} ms after the last fault or send (last fault at ${((lastFaultAt - started) / 1000).toFixed(1)} s, last send at ${(sendingMs / 1000).toFixed(1)} s)`,
      );

      // Exactly once: the recipient sees every acknowledged message once, and nothing else.
      let received = 0;
      let duplicates = 0;
      let missing = 0;
      let unacknowledged = 0;
      for (const pair of pairs) {
        const listed = await listAll(pair);
        const seen = new Map<string, number>();
        for (const id of listed) seen.set(id, (seen.get(id) ?? 0) + 1);
        received += listed.length;
        duplicates += [...seen.values()].filter((n) => n > 1).length;
        const acked = new Set(acknowledged.get(pair.conversationId));
        missing += [...acked].filter((id) => !seen.has(id)).length;
        unacknowledged += [...seen.keys()].filter((id) => !acked.has(id)).length;
      }
      report(
        `recipients hold ${received} messages: ${missing} acknowledged missing, ${duplicates} duplicated, ${unacknowledged} never acknowledged`,
      );
      expect({ acked, missing, duplicates, unacknowledged, received }).toEqual({
        acked: counts.sent,
        missing: 0,
        duplicates: 0,
        unacknowledged: 0,
        received: counts.sent,
      });
    },
    SENDING_MS + 120_000,
  );

  it('every topic read again from offset 0 by new consumer groups of every service changes no row', async () => {
    const schemas = [...SERVICES];
    // The catch-up reads above are audited: their entries travel to audit before the first checksum.
    await expectEventually(expectSettled, { timeoutMs: 60_000, intervalMs: 250 });
    const before = await tableChecksums(stack.db.query, schemas);
    const replay = (s: string) => `${stack.prefix}${s}-replay`;
    for (const service of SERVICES) await stack.restart(service, { KAFKA_CONSUMER_GROUP: replay(service) });
    // Every shared group of a service has its replay twin, and every twin is at the end of its topic.
    const original = await consumerLag(infra.admin, stack.prefix);
    const expected = SERVICES.flatMap((service) =>
      topics
        .filter((topic) => original.has(`${stack.prefix}${service}.${topic}`))
        .map((topic) => `${replay(service)}.${topic}`),
    );
    await expectEventually(
      async () => {
        const lag = await consumerLag(infra.admin, stack.prefix);
        expect(expected.filter((twin) => lag.get(twin) !== 0)).toEqual([]);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const after = await tableChecksums(stack.db.query, schemas);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    report(`replay: ${Object.keys(before).length} tables compared, ${changed.length} changed`);
    expect(changed).toEqual([]);
    expect(Object.keys(after)).toEqual(Object.keys(before));
  }, 300_000);
});
