import { randomUUID } from 'node:crypto';
import { expectEventually } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

/**
 * Anonymous usage counts from content's own events: twelve clients get the mood diary and then the
 * CBT module (so "module used together with a diary" is 12), three of them also GAD-7 (a small cell).
 */
describe('anonymous usage counts with small cells suppressed (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  let admin: Person, pro: Person, clients: Person[], otherAdmin: Person;
  const moduleAssignments: string[] = [];

  beforeAll(async () => {
    fx = await startContent();
    [admin, pro] = fx.people(tenant, ['org_admin', 'professional']);
    [otherAdmin] = fx.people(otherTenant, ['org_admin']);
    clients = fx.people(
      tenant,
      Array.from({ length: 12 }, () => 'client' as const),
    );
    await Promise.all(clients.map((c) => fx.grant(pro, c)));
    for (const c of clients) {
      await fx
        .as(pro)
        .post('/content/assignments', { clientId: c.id, toolId: fx.tool('mood-diary').toolId })
        .expect(201);
      const m = await fx
        .as(pro)
        .post('/content/assignments', { clientId: c.id, toolId: fx.tool('cbt-low-mood').toolId })
        .expect(201);
      moduleAssignments.push(m.body.id);
    }
    for (const c of clients.slice(0, 3)) {
      await fx
        .as(pro)
        .post('/content/assignments', { clientId: c.id, toolId: fx.tool('gad-7').toolId })
        .expect(201);
    }
    // Every module client completes session 1 (one page at a time), so 12 sessions are completed.
    for (const [i, c] of clients.entries()) {
      for (const page of ['welcome', 'the-circle', 'goals']) {
        await fx
          .as(c)
          .put(`/content/assignments/${moduleAssignments[i]}/pages/session-1/${page}`, { completed: true })
          .expect(200);
      }
    }
    await expectEventually(
      async () => {
        const rows = await fx.db.query<{ n: string }>(
          `SELECT sum(count) AS n FROM content.usage_count WHERE tenant_id = $1 AND metric = 'sessions_completed'`,
          [tenant],
        );
        expect(Number(rows[0].n)).toBe(12);
      },
      { timeoutMs: 30_000 },
    );
  });
  afterAll(() => fx?.stop());

  const row = (body: { tools: { key: string }[] }, key: string) => body.tools.find((t) => t.key === key);

  it('shows counts of 10 and more, and suppresses every smaller cell (null)', async () => {
    const res = await fx.as(admin).get('/content/usage').expect(200);
    expect(res.body).toMatchObject({ scope: 'organisation', minimumCell: 10 });
    expect(row(res.body, 'cbt-low-mood')).toMatchObject({
      assigned: 12,
      sessionsCompleted: 12,
      averageSessionsCompleted: 1,
      usedWith: { diary: 12, module: null, questionnaire: null },
    });
    expect(row(res.body, 'mood-diary')).toMatchObject({
      assigned: 12,
      usedWith: { module: 12, questionnaire: null },
    });
    expect(row(res.body, 'gad-7')).toMatchObject({ assigned: null, responses: null });
    expect(row(res.body, 'phq-9')).toMatchObject({ assigned: null });
  });

  it('holds tool ids and numbers only: no client, professional or assignment id', async () => {
    const columns = await fx.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'content' AND table_name IN ('usage_count', 'usage_pair')`,
    );
    expect(columns.map((c) => c.column_name).sort()).toEqual(
      ['count', 'count', 'metric', 'tenant_id', 'tenant_id', 'tool_a', 'tool_b', 'tool_id'].sort(),
    );
  });

  it("another organisation sees none of this organisation's use; platform totals add up every organisation", async () => {
    const theirs = await fx.as(otherAdmin).get('/content/usage').expect(200);
    expect(row(theirs.body, 'cbt-low-mood')).toMatchObject({ assigned: null });
    const platform = await fx.as(otherAdmin).get('/content/usage?scope=platform').expect(200);
    expect(row(platform.body, 'cbt-low-mood')).toMatchObject({ assigned: 12 });
  });

  it('is for administrators only', async () => {
    await fx.as(pro).get('/content/usage').expect(403);
    await fx.as(clients[0]).get('/content/usage').expect(403);
    await fx.as(admin).get('/content/usage?scope=everyone').expect(400);
  });
});
