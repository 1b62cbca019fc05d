import { randomUUID } from 'node:crypto';
import { auditEntryRecordedV1 } from '@therapy-room/contracts';
import { Clock } from '@therapy-room/platform';
import { expectEventually } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

const minute = 60_000;
const phq9 = (item9: number) => ({
  'phq9-1': 1,
  'phq9-2': 1,
  'phq9-3': 0,
  'phq9-4': 0,
  'phq9-5': 0,
  'phq9-6': 0,
  'phq9-7': 0,
  'phq9-8': 0,
  'phq9-9': item9,
});

/**
 * Who sees and changes which client's work: the client, and professionals with a grant in the caseload
 * read model right now. Other clients, professionals without a grant (or whose grant was revoked or
 * ran out) and anyone of another organisation (its admins and staff too) get 404; the client's own
 * organisation's administrators and platform staff under a grant for it get 403; staff without a
 * grant get 404. Every read and refusal is audited, and no wrong actor writes anything.
 */
describe('content access matrix (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  const staffHome = randomUUID();
  let pro: Person, linked: Person, revoked: Person, expired: Person, bystander: Person, admin: Person;
  let client: Person, otherClient: Person, foreignPro: Person, foreignAdmin: Person;
  let staff: Person, staffWithoutGrant: Person, foreignStaff: Person;
  let diaryId: string, moduleId: string, questionnaireId: string, flagId: string, shareId: string;
  let now: number;

  beforeAll(async () => {
    fx = await startContent([auditEntryRecordedV1.topic]);
    // The time as content sees it: fixed, moved by the test (no sleeping for a link to run out).
    now = Date.now();
    jest.spyOn(fx.service.app.get(Clock), 'now').mockImplementation(() => new Date(now));
    [pro, linked, revoked, expired, bystander, admin, client, otherClient] = fx.people(tenant, [
      'professional',
      'professional',
      'professional',
      'professional',
      'professional',
      'org_admin',
      'client',
      'client',
    ]);
    [foreignPro, foreignAdmin] = fx.people(otherTenant, ['professional', 'org_admin']);
    const staffId = randomUUID();
    // Platform staff: acting in the organisation of their access grant, or (no grant) in their own.
    staff = { id: staffId, tenantId: tenant, role: 'platform_staff', grantId: randomUUID() };
    staffWithoutGrant = { id: staffId, tenantId: staffHome, role: 'platform_staff' };
    foreignStaff = { id: staffId, tenantId: otherTenant, role: 'platform_staff', grantId: randomUUID() };
    await fx.grant(pro, client);
    await fx.grant(linked, client, { validUntil: new Date(now + 60 * minute) });
    const gone = await fx.grant(revoked, client);
    await fx.revoke(gone, revoked, client);
    await fx.grant(expired, client, {
      validFrom: new Date(now - minute),
      validUntil: new Date(now + minute),
    });
    // The foreign professional has a caseload of their own, in their own organisation.
    const [foreignClient] = fx.people(otherTenant, ['client']);
    await fx.grant(foreignPro, foreignClient);
    const assign = async (key: string, extra: object = {}) =>
      (
        await fx
          .as(pro)
          .post('/content/assignments', { clientId: client.id, toolId: fx.tool(key).toolId, ...extra })
          .expect(201)
      ).body.id as string;
    diaryId = await assign('mood-diary');
    moduleId = await assign('cbt-low-mood', { supported: true });
    questionnaireId = await assign('phq-9');
    await fx
      .as(client)
      .post(`/content/assignments/${diaryId}/diary-entries`, { values: { mood: 5, anxiety: 2, sleep: 8 } })
      .expect(201);
    await fx
      .as(client)
      .post(`/content/assignments/${questionnaireId}/responses`, { answers: phq9(1) })
      .expect(201);
    const [flag] = await fx.db.query<{ id: string }>(`SELECT id FROM content.flag WHERE client_id = $1`, [
      client.id,
    ]);
    flagId = flag.id;
    shareId = (
      await fx.as(client).post(`/content/clients/${client.id}/report-shares`, { days: 7 }).expect(201)
    ).body.id;
    // The expired colleague's link is in force now …
    await fx.as(expired).get(`/content/assignments/${diaryId}`).expect(200);
    // … and runs out by itself when the clock passes its end: no request, no event.
    now += 2 * minute;
  });
  afterAll(() => fx?.stop());

  const readers: [string, number, () => Person][] = [
    ['the client themself', 200, () => client],
    ['the assigned professional', 200, () => pro],
    ['a colleague linked right now', 200, () => linked],
    ['a professional whose grant was revoked', 404, () => revoked],
    ['a professional whose link ran out', 404, () => expired],
    ['a professional of the same organisation without a grant', 404, () => bystander],
    ['another client', 404, () => otherClient],
    ['a professional of another organisation', 404, () => foreignPro],
    ['an organisation administrator', 403, () => admin],
    ['platform staff under a grant for this organisation', 403, () => staff],
    ['platform staff without a grant', 404, () => staffWithoutGrant],
    ['an administrator of another organisation', 404, () => foreignAdmin],
    ['platform staff under a grant for another organisation', 404, () => foreignStaff],
  ];

  it.each(readers)('%s: the assignment → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/assignments/${diaryId}`).expect(status);
  });

  it.each(readers)('%s: the list of tools → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/clients/${client.id}/assignments`).expect(status);
  });

  it.each(readers)('%s: the report → %i', async (_name, status, who) => {
    await fx.as(who()).get(`/content/clients/${client.id}/report`).expect(status);
  });

  describe('every write route, tried by the wrong actor', () => {
    type Wrong =
      | 'client of another professional'
      | 'professional of another organisation'
      | 'org admin'
      | 'org admin of another organisation'
      | 'platform staff'
      | 'platform staff without a grant'
      | 'platform staff of another organisation';
    const wrong = (): Record<Wrong, Person> => ({
      'client of another professional': otherClient,
      'professional of another organisation': foreignPro,
      'org admin': admin,
      'org admin of another organisation': foreignAdmin,
      'platform staff': staff,
      'platform staff without a grant': staffWithoutGrant,
      'platform staff of another organisation': foreignStaff,
    });
    /** Refusals of routes about one client's work: 404 unless the actor administers that client's organisation. */
    const ofTheClient: Record<Wrong, number> = {
      'client of another professional': 404,
      'professional of another organisation': 404,
      'org admin': 403,
      'org admin of another organisation': 404,
      'platform staff': 403,
      'platform staff without a grant': 404,
      'platform staff of another organisation': 404,
    };
    /** Routes for one kind of actor whatever the client (they name no client, or refuse by role first). */
    const byRole = (allowedNotFound: Partial<Record<Wrong, number>> = {}): Record<Wrong, number> => ({
      'client of another professional': 403,
      'professional of another organisation': 403,
      'org admin': 403,
      'org admin of another organisation': 403,
      'platform staff': 403,
      'platform staff without a grant': 403,
      'platform staff of another organisation': 403,
      ...allowedNotFound,
    });
    const routes: [string, (p: Person) => Promise<{ status: number }>, Record<Wrong, number>][] = [
      [
        'offer a tool (POST /content/assignments)',
        (p) =>
          fx.as(p).post('/content/assignments', { clientId: client.id, toolId: fx.tool('gad-7').toolId }),
        // A professional elsewhere: 400 on clientId, the same as for an unknown client (nothing leaks).
        byRole({ 'professional of another organisation': 400 }),
      ],
      [
        'move to another revision',
        (p) => fx.as(p).post(`/content/assignments/${diaryId}/revision`, {}),
        ofTheClient,
      ],
      ['withdraw', (p) => fx.as(p).delete(`/content/assignments/${diaryId}`), ofTheClient],
      [
        'save a module page',
        (p) =>
          fx.as(p).put(`/content/assignments/${moduleId}/pages/session-1/the-circle`, {
            answers: { 'mood-now': 3 },
          }),
        ofTheClient,
      ],
      [
        'add a diary entry',
        (p) => fx.as(p).post(`/content/assignments/${diaryId}/diary-entries`, { values: { mood: 1 } }),
        ofTheClient,
      ],
      [
        'answer a questionnaire',
        (p) => fx.as(p).post(`/content/assignments/${questionnaireId}/responses`, { answers: phq9(0) }),
        ofTheClient,
      ],
      [
        'give feedback',
        (p) =>
          fx.as(p).post(`/content/assignments/${moduleId}/feedback`, {
            sessionKey: 'session-1',
            text: 'Well done',
          }),
        ofTheClient,
      ],
      ['acknowledge a flag', (p) => fx.as(p).post(`/content/flags/${flagId}/acknowledge`, {}), ofTheClient],
      [
        'share the report',
        (p) => fx.as(p).post(`/content/clients/${client.id}/report-shares`, { days: 7 }),
        ofTheClient,
      ],
      [
        'revoke a share',
        (p) => fx.as(p).delete(`/content/clients/${client.id}/report-shares/${shareId}`),
        ofTheClient,
      ],
      [
        'choose what clients see (org admins of their own organisation only)',
        (p) =>
          fx
            .as(p)
            .put(`/content/library/${fx.tool('phq-9').toolId}/client-feedback`, { clientFeedback: 'none' }),
        byRole({ 'org admin': 200, 'org admin of another organisation': 200 }),
      ],
      [
        'publish an organisation tool (org admins of their own organisation only)',
        (p) =>
          fx.as(p).post('/content/library/tools', {
            definition: {
              kind: 'diary',
              key: `wrong-${p.id.slice(0, 8)}-${p.tenantId.slice(0, 8)}`,
              title: 'Wrong',
              fields: [{ type: 'scale', key: 'x', label: 'X', min: 0, max: 1 }],
            },
          }),
        byRole({ 'org admin': 201, 'org admin of another organisation': 201 }),
      ],
    ];

    const cells = routes.flatMap(([route, call, expected]) =>
      (Object.keys(expected) as Wrong[]).map((who) => [route, who, expected[who], call] as const),
    );

    /** What the client's record holds: none of it may change by a wrong actor's request. */
    const recordOf = async () =>
      fx.db.query(
        `SELECT (SELECT count(*) FROM content.assignment WHERE client_id = $1)::int AS assignments,
                (SELECT count(*) FROM content.assignment WHERE client_id = $1 AND status = 'withdrawn')::int AS withdrawn,
                (SELECT string_agg(revision_id::text, ',' ORDER BY id) FROM content.assignment WHERE client_id = $1) AS revisions,
                (SELECT count(*) FROM content.module_answer WHERE client_id = $1)::int AS answers,
                (SELECT count(*) FROM content.diary_entry WHERE client_id = $1)::int AS entries,
                (SELECT count(*) FROM content.questionnaire_response WHERE client_id = $1)::int AS responses,
                (SELECT count(*) FROM content.exercise_feedback f JOIN content.assignment a ON a.id = f.assignment_id
                  WHERE a.client_id = $1)::int AS feedback,
                (SELECT count(*) FROM content.flag WHERE client_id = $1 AND acknowledged_at IS NOT NULL)::int AS acknowledged,
                (SELECT count(*) FROM content.report_share WHERE client_id = $1)::int AS shares,
                (SELECT count(*) FROM content.report_share WHERE client_id = $1 AND revoked_at IS NOT NULL)::int AS revoked`,
        [client.id],
      );
    let before: unknown;
    beforeAll(async () => {
      before = await recordOf();
    });

    it.each(cells)('%s by %s → %i', async (_route, who, status, call) => {
      const res = await call(wrong()[who]);
      expect(res.status).toBe(status);
    });

    it("leaves the client's record as it was", async () => {
      expect(await recordOf()).toEqual(before);
    });
  });

  it('an unknown assignment is 404 like a hidden one; a malformed id is 400', async () => {
    await fx.as(pro).get(`/content/assignments/${randomUUID()}`).expect(404);
    const bad = await fx.as(pro).get('/content/assignments/not-an-id').expect(400);
    expect(bad.body.errors).toEqual([{ path: 'assignmentId', message: 'must be a UUID' }]);
  });

  it('a request without the internal token is 401', async () => {
    const { default: request } = await import('supertest');
    await request(fx.service.url).get(`/content/assignments/${diaryId}`).expect(401);
  });

  it('audits every read of client work, and every refusal, with ids only', async () => {
    await fx.as(pro).get(`/content/assignments/${diaryId}`).expect(200);
    await fx.as(bystander).get(`/content/assignments/${diaryId}`).expect(404);
    await fx.as(staff).get(`/content/clients/${client.id}/report`).expect(403);
    await expectEventually(async () => {
      const entries = fx.events(auditEntryRecordedV1.topic).filter((e) => e.subjectId === client.id);
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.read',
              outcome: 'success',
              actorId: pro.id,
              actorRole: 'professional',
              resource: 'content.assignment',
              resourceId: diaryId,
              sourceAddress: '203.0.113.9',
            }),
          }),
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.read',
              outcome: 'failure',
              actorId: bystander.id,
              reason: 'not_found',
            }),
          }),
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.read',
              outcome: 'failure',
              actorId: staff.id,
              actorRole: 'platform_staff',
              reason: 'forbidden',
            }),
          }),
          expect.objectContaining({
            payload: expect.objectContaining({
              action: 'content.write',
              actorId: client.id,
              outcome: 'success',
            }),
          }),
        ]),
      );
    });
  });
  it('records on what basis each read was allowed: assignment, colleague link, the client themself', async () => {
    const readers = { pro, linked, client } as const;
    const requests = new Map<string, string>();
    for (const [name, reader] of Object.entries(readers)) {
      const res = await fx.as(reader).get(`/content/assignments/${diaryId}`).expect(200);
      requests.set(res.headers['x-request-id'] as string, name);
    }
    const refused = await fx.as(bystander).get(`/content/assignments/${diaryId}`).expect(404);
    requests.set(refused.headers['x-request-id'] as string, 'bystander');
    const byReader = await expectEventually(() => {
      const found = fx
        .events(auditEntryRecordedV1.topic)
        .filter((e) => requests.has(e.payload.requestId as string));
      expect(found).toHaveLength(requests.size);
      return new Map(found.map((e) => [requests.get(e.payload.requestId as string)!, e.payload]));
    });
    expect(byReader.get('pro')).toMatchObject({ outcome: 'success', basis: 'caseload_assignment' });
    expect(byReader.get('linked')).toMatchObject({ outcome: 'success', basis: 'colleague_link' });
    expect(byReader.get('client')).toMatchObject({ outcome: 'success', basis: 'self' });
    expect(byReader.get('bystander')).toMatchObject({ outcome: 'failure' });
    expect(byReader.get('bystander')!.basis).toBeUndefined();
  });
});
