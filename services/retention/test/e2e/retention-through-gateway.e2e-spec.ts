import request from 'supertest';
import {
  erasureParticipants,
  identityUserProfileChangedV1,
  identityUserRegisteredV1,
  retentionErasureRequestedV1,
  type UserRole,
} from '@therapy-room/contracts';
import {
  collectTopics,
  expectEventually,
  publishEvent,
  startStack,
  type TestStack,
  type TestTenant,
} from '@therapy-room/testing';

/**
 * Retention with real processes behind the gateway: a client asks, two org admins decide, identity
 * deactivates the account at once and gives it back on cancel; and a saga survives `kill -9` of
 * retention with every participant's effect happening once.
 */
describe('retention e2e: through the gateway, with every participant as a real process', () => {
  let stack: TestStack;
  let org: TestTenant;
  let admin: string;
  let admin2: string;
  let pro: string;
  let probe: Awaited<ReturnType<typeof collectTopics>>;
  const api = () => request(stack.gatewayUrl);

  /** An account written into identity's table and announced as identity's events would (as the contract stack does). */
  async function person(role: UserRole, name: string) {
    const account = await stack.addActiveUser(org, role as 'client');
    const envelope = { tenantId: org.tenantId, subjectId: account.id };
    await publishEvent(stack.prefix, identityUserRegisteredV1, { userId: account.id, role }, envelope);
    await publishEvent(
      stack.prefix,
      identityUserProfileChangedV1,
      { userId: account.id, displayName: name },
      envelope,
    );
    return account;
  }

  async function clientOnCaseload(name: string) {
    const client = await person('client', name);
    await expectEventually(
      async () =>
        expect(
          (
            await api()
              .post('/api/caseload/assignments')
              .set('cookie', admin)
              .send({ clientId: client.id, professionalId: proId })
          ).status,
        ).toBe(201),
      { timeoutMs: 30_000 },
    );
    return client;
  }
  let proId: string;

  // Seven service processes (as in the erasure completeness test): up to 5 minutes beside other e2e files.
  beforeAll(async () => {
    stack = await startStack(
      { RETENTION_TICK_SECONDS: '1' },
      { caseload: true, content: true, messaging: true, audit: true, retention: true },
    );
    org = await stack.createTenant();
    admin = (await stack.loginAs(org)).cookie;
    const second = await person('org_admin', 'Bert Admin');
    admin2 = (await stack.loginAs(second)).cookie;
    const professional = await person('professional', 'Petra Professional');
    proId = professional.id;
    pro = (await stack.loginAs(professional)).cookie;
    probe = await collectTopics(
      [retentionErasureRequestedV1.topic, ...erasureParticipants().map((p) => p.topic)].map(
        (t) => `${stack.prefix}${t}`,
      ),
    );
  }, 300_000);
  afterAll(async () => {
    await probe?.stop();
    await stack?.stop();
  });

  const ofRequest = (topic: string, requestId: string) =>
    probe.messages
      .filter((m) => m.topic === `${stack.prefix}${topic}`)
      .map((m) => JSON.parse(m.value!.toString()) as { payload: { requestId: string } })
      .filter((e) => e.payload.requestId === requestId);

  it('a client asks, the professional asking again gets the same request; a second admin approves; identity ends the sessions; cancel gives the account back', async () => {
    const client = await clientOnCaseload('Karel Client');
    const clientCookie = (await stack.loginAs(client)).cookie;
    const asked = await api()
      .post('/api/retention/requests')
      .set('cookie', clientCookie)
      .send({ kind: 'erasure' })
      .expect(201);
    const again = await api()
      .post('/api/retention/requests')
      .set('cookie', pro)
      .send({ kind: 'erasure', clientId: client.id })
      .expect(200);
    expect(again.body.id).toBe(asked.body.id);
    await api().post('/api/retention/requests').send({ kind: 'erasure' }).expect(401);

    const approved = await api()
      .post(`/api/retention/requests/${asked.body.id}/approve`)
      .set('cookie', admin)
      .send({})
      .expect(200);
    expect(approved.body.state).toBe('pending');
    // Deactivated at once: the client's session ends and a new login is refused.
    await expectEventually(() => api().get('/api/me').set('cookie', clientCookie).expect(401), {
      timeoutMs: 30_000,
    });
    await expect(stack.loginAs(client)).rejects.toThrow();

    await api()
      .post(`/api/retention/requests/${asked.body.id}/cancel`)
      .set('cookie', admin2)
      .send({})
      .expect(200);
    // Identity gives the account its status back (waiting on the row, not on logins: those are throttled).
    await expectEventually(
      async () =>
        expect(
          await stack.db.query(`SELECT status FROM identity.user_account WHERE id = $1`, [client.id]),
        ).toEqual([{ status: 'active' }]),
      { timeoutMs: 30_000 },
    );
    await stack.loginAs(client);
  });

  it('kill -9 of retention mid-saga: after the restart the erasure completes, each participant confirmed once', async () => {
    const client = await clientOnCaseload('Erik Erased');
    const asked = await api()
      .post('/api/retention/requests')
      .set('cookie', admin)
      .send({ kind: 'erasure', clientId: client.id })
      .expect(201);
    await api()
      .post(`/api/retention/requests/${asked.body.id}/approve`)
      .set('cookie', admin2)
      .send({})
      .expect(200);
    // The grace period ends (the processes' clocks cannot be moved): its end date is put in the past.
    await stack.db.query(
      `UPDATE retention.subject_request SET runs_at = now() - interval '1 second' WHERE id = $1`,
      [asked.body.id],
    );
    await expectEventually(
      async () =>
        expect(
          await stack.db.query(
            `SELECT 1 FROM retention.subject_request WHERE id = $1 AND state = 'running'`,
            [asked.body.id],
          ),
        ).toHaveLength(1),
      { timeoutMs: 30_000 },
    );
    await stack.retention!.stop('SIGKILL');

    await stack.restart('retention', {});
    const done = await expectEventually(
      async () => {
        const res = await api()
          .get(`/api/retention/requests/${asked.body.id}`)
          .set('cookie', admin)
          .expect(200);
        expect(res.body.state).toBe('completed');
        return res.body;
      },
      { timeoutMs: 60_000 },
    );
    expect(done.participants.every((p: { confirmedAt: string | null }) => p.confirmedAt)).toBe(true);
    // Sent once, confirmed once by each participant: nobody erased twice.
    expect(ofRequest(retentionErasureRequestedV1.topic, asked.body.id)).toHaveLength(1);
    for (const p of erasureParticipants()) {
      await expectEventually(() => expect(ofRequest(p.topic, asked.body.id)).toHaveLength(1));
    }
    expect(
      await stack.db.query(`SELECT 1 FROM identity.user_account WHERE id = $1`, [client.id]),
    ).toHaveLength(0);
    const certificate = await api()
      .get(`/api/retention/requests/${asked.body.id}/certificate`)
      .set('cookie', admin2)
      .expect(200);
    expect(certificate.body.participants.map((p: { service: string }) => p.service)).toEqual(
      erasureParticipants().map((p) => p.service),
    );
  });
});
