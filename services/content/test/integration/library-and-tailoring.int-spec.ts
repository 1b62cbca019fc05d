import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentAssignmentCreatedV1, contentAssignmentWithdrawnV1 } from '@therapy-room/contracts';
import { expectEventually } from '@therapy-room/testing';
import { LibraryService } from '../../src/library/library.service';
import { loadContentDirectory } from '../../src/library/content-files';
import { toolDefinitionSchema } from '../../src/library/content-definition';
import { setPath } from '../support/json-path';
import { seedDirectory, startContent, type ContentFixture, type Person } from '../support/content-fixture';

const seedFile = (name: string) =>
  JSON.parse(readFileSync(join(seedDirectory, name), 'utf8')) as Record<string, unknown>;

describe('content library, revisions and tailoring (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  const otherTenant = randomUUID();
  let admin: Person, pro: Person, client: Person, stranger: Person, otherAdmin: Person;

  beforeAll(async () => {
    fx = await startContent([contentAssignmentCreatedV1.topic, contentAssignmentWithdrawnV1.topic]);
    [admin, pro, client, stranger] = fx.people(tenant, ['org_admin', 'professional', 'client', 'client']);
    [otherAdmin] = fx.people(otherTenant, ['org_admin']);
    await fx.grant(pro, client);
  });
  afterAll(() => fx?.stop());

  const assignmentRows = async (clientId: string) =>
    fx.db.query(`SELECT id FROM content.assignment WHERE client_id = $1`, [clientId]);

  describe('the library', () => {
    it('lists the seeded platform tools for professionals, with their latest revision', async () => {
      const res = await fx.as(pro).get('/content/library').expect(200);
      const keys = res.body.items.map((i: { key: string }) => i.key).sort();
      expect(keys).toEqual(['blood-glucose-diary', 'cbt-low-mood', 'gad-7', 'mood-diary', 'phq-9']);
      expect(
        res.body.items.every(
          (i: { scope: string; revision: number }) => i.scope === 'platform' && i.revision === 1,
        ),
      ).toBe(true);
      const one = await fx
        .as(pro)
        .get(`/content/library/${fx.tool('phq-9').toolId}`)
        .expect(200);
      expect(one.body.definition.scoring.bands).toHaveLength(5);
      await fx.as(client).get('/content/library').expect(403);
    });

    it('seeding again publishes nothing new (idempotent)', async () => {
      const again = await fx.service.app
        .get(LibraryService)
        .seedPlatform(loadContentDirectory(seedDirectory).files);
      expect(again.every((r) => !r.published && r.revision === 1)).toBe(true);
    });

    it("lets an org admin add the organisation's own tool, visible to that organisation only", async () => {
      const sleep = {
        kind: 'diary',
        key: 'sleep-diary',
        title: 'Sleep diary',
        fields: [
          { type: 'number', key: 'hours', label: 'Hours slept', unit: 'hours', min: 0, max: 24, decimals: 1 },
        ],
      };
      const res = await fx.as(admin).post('/content/library/tools', { definition: sleep }).expect(201);
      expect(res.body).toMatchObject({ key: 'sleep-diary', kind: 'diary', revision: 1, published: true });
      const mine = await fx.as(pro).get('/content/library?kind=diary').expect(200);
      expect(mine.body.items.find((i: { key: string }) => i.key === 'sleep-diary')).toMatchObject({
        scope: 'organisation',
      });
      const theirs = await fx.as(otherAdmin).get('/content/library?kind=diary').expect(200);
      expect(theirs.body.items.map((i: { key: string }) => i.key)).not.toContain('sleep-diary');
      await fx.as(otherAdmin).get(`/content/library/${res.body.toolId}`).expect(404);
      await fx.as(pro).post('/content/library/tools', { definition: sleep }).expect(403);
    });

    it('refuses a broken tool with the path inside it and the reason, and stores nothing', async () => {
      const broken = seedFile('gad-7.questionnaire.json');
      setPath(broken, 'key', 'gad-7-broken');
      setPath(broken, 'scoring.bands.1.min', 6);
      const res = await fx.as(admin).post('/content/library/tools', { definition: broken }).expect(400);
      expect(res.body.errors).toEqual([
        {
          path: 'definition.scoring.bands.1.min',
          message: 'band "mild" must start at 5 (right after "minimal")',
        },
      ]);
      const rows = await fx.db.query(`SELECT 1 FROM content.tool WHERE key = 'gad-7-broken'`);
      expect(rows).toHaveLength(0);
    });
  });

  describe('tailoring a module', () => {
    it('assigns a subset of sessions in a chosen order, with support, and publishes ids and numbers only', async () => {
      const res = await fx
        .as(pro)
        .post('/content/assignments', {
          clientId: client.id,
          toolId: fx.tool('cbt-low-mood').toolId,
          sessions: ['session-3', 'session-1', 'session-2'],
          supported: true,
        })
        .expect(201);
      expect(res.body).toMatchObject({
        kind: 'module',
        supported: true,
        sessions: ['session-3', 'session-1', 'session-2'],
        progress: { completedSessions: 0, totalSessions: 3 },
        revision: 1,
      });
      const work = await fx.as(client).get(`/content/assignments/${res.body.id}`).expect(200);
      expect(work.body.content.sessions.map((s: { key: string }) => s.key)).toEqual([
        'session-3',
        'session-1',
        'session-2',
      ]);
      expect(work.body.position).toEqual({ sessionKey: 'session-3', pageKey: 'thinking-traps' });
      await expectEventually(async () => {
        const created = fx
          .events(contentAssignmentCreatedV1.topic)
          .find((e) => e.payload.assignmentId === res.body.id);
        expect(created).toMatchObject({
          subjectId: client.id,
          payload: { kind: 'module', supported: true, sessionCount: 3, everyDays: null, activeToolIds: [] },
        });
      });
    });

    it('combines sessions into one step; progress still counts each session', async () => {
      const res = await fx
        .as(pro)
        .post('/content/assignments', {
          clientId: client.id,
          toolId: fx.tool('cbt-low-mood').toolId,
          sessions: [['session-1', 'session-2'], 'session-4'],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        sessions: ['session-1', 'session-2', 'session-4'],
        steps: [['session-1', 'session-2'], ['session-4']],
        progress: { completedSessions: 0, totalSessions: 3 },
      });
      const work = await fx.as(client).get(`/content/assignments/${res.body.id}`).expect(200);
      expect(work.body.steps).toEqual([['session-1', 'session-2'], ['session-4']]);
      // Moving to the latest revision keeps the combination.
      const moved = await fx.as(pro).post(`/content/assignments/${res.body.id}/revision`, {}).expect(200);
      expect(moved.body.steps).toEqual([['session-1', 'session-2'], ['session-4']]);
      const twice = await fx
        .as(pro)
        .post('/content/assignments', {
          clientId: client.id,
          toolId: fx.tool('cbt-low-mood').toolId,
          sessions: ['session-1', ['session-2', 'session-1']],
        })
        .expect(400);
      expect(twice.body.errors).toEqual([
        { path: 'sessions.1.1', message: 'names session "session-1" twice' },
      ]);
    });

    it('assigns every session as published, as self-help, by default', async () => {
      const res = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: fx.tool('cbt-low-mood').toolId })
        .expect(201);
      expect(res.body).toMatchObject({
        supported: false,
        sessions: ['session-1', 'session-2', 'session-3', 'session-4', 'session-5'],
      });
    });

    it.each([
      [
        'a session named twice',
        { sessions: ['session-1', 'session-2', 'session-1'] },
        [{ path: 'sessions.2', message: 'names session "session-1" twice' }],
      ],
      [
        'an unknown session',
        { sessions: ['session-9'] },
        [
          {
            path: 'sessions.0',
            message:
              '"session-9" is not a session of this module (sessions: session-1, session-2, session-3, session-4, session-5)',
          },
        ],
      ],
      [
        'an unknown tool',
        { toolId: randomUUID() },
        [{ path: 'toolId', message: 'is not a tool in the library' }],
      ],
      [
        'a client outside the caseload',
        { clientId: 'stranger' },
        [{ path: 'clientId', message: 'is not a client in your caseload' }],
      ],
      [
        'a schedule on a module',
        { schedule: { type: 'repeat', everyDays: 14 } },
        [{ path: 'schedule', message: 'only questionnaires are scheduled' }],
      ],
      [
        'a session list that is not a list',
        { sessions: 'session-1' },
        [{ path: 'sessions', message: expect.any(String) }],
      ],
    ])('refuses %s with 400 and a clear message, storing nothing', async (_name, change, errors) => {
      const before = (await assignmentRows(client.id)).length + (await assignmentRows(stranger.id)).length;
      const body = {
        clientId: client.id,
        toolId: fx.tool('cbt-low-mood').toolId,
        ...change,
        ...((change as { clientId?: string }).clientId === 'stranger' ? { clientId: stranger.id } : {}),
      };
      const res = await fx.as(pro).post('/content/assignments', body).expect(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual(errors);
      expect((await assignmentRows(client.id)).length + (await assignmentRows(stranger.id)).length).toBe(
        before,
      );
    });

    it("refuses another organisation's tool as an unknown tool", async () => {
      const theirs = await fx
        .as(otherAdmin)
        .post('/content/library/tools', {
          definition: {
            kind: 'diary',
            key: 'theirs',
            title: 'Theirs',
            fields: [{ type: 'time', key: 't', label: 'T' }],
          },
        })
        .expect(201);
      const res = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: theirs.body.toolId })
        .expect(400);
      expect(res.body.errors).toEqual([{ path: 'toolId', message: 'is not a tool in the library' }]);
    });

    it('schedules a questionnaire once or every two weeks', async () => {
      const once = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: fx.tool('gad-7').toolId })
        .expect(201);
      expect(once.body.schedule).toEqual({ type: 'once' });
      const repeat = await fx
        .as(pro)
        .post('/content/assignments', {
          clientId: client.id,
          toolId: fx.tool('phq-9').toolId,
          schedule: { type: 'repeat', everyDays: 14 },
        })
        .expect(201);
      expect(repeat.body).toMatchObject({
        schedule: { type: 'repeat', everyDays: 14 },
        progress: { responses: 0 },
      });
      const res = await fx
        .as(pro)
        .post('/content/assignments', {
          clientId: client.id,
          toolId: fx.tool('phq-9').toolId,
          sessions: ['x'],
        })
        .expect(400);
      expect(res.body.errors).toEqual([
        { path: 'sessions', message: 'a questionnaire has no sessions; only modules do' },
      ]);
    });
  });

  describe('revisions', () => {
    it('publishing a revision never changes what a client has; the professional moves them explicitly', async () => {
      const diaryId = fx.tool('mood-diary').toolId;
      const given = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: diaryId })
        .expect(201);
      expect(given.body.revision).toBe(1);

      const changed = seedFile('mood.diary.json');
      setPath(changed, 'fields.0.label', 'Overall, how was your mood today?');
      const [published] = await fx.service.app.get(LibraryService).seedPlatform([
        {
          file: 'mood.diary.json',
          definition: toolDefinitionSchema.parse(changed),
        },
      ]);
      expect(published).toMatchObject({ revision: 2, published: true });

      const pinned = await fx.as(client).get(`/content/assignments/${given.body.id}`).expect(200);
      expect(pinned.body).toMatchObject({ revision: 1, latestRevision: 2 });
      expect(pinned.body.content.fields[0].label).toBe('How was your mood today?');

      // A new assignment gets the latest revision.
      const fresh = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: diaryId })
        .expect(201);
      expect(fresh.body.revision).toBe(2);

      const moved = await fx.as(pro).post(`/content/assignments/${given.body.id}/revision`, {}).expect(200);
      expect(moved.body).toMatchObject({ revision: 2 });
      const now = await fx.as(client).get(`/content/assignments/${given.body.id}`).expect(200);
      expect(now.body.content.fields[0].label).toBe('Overall, how was your mood today?');
      await fx.as(client).post(`/content/assignments/${given.body.id}/revision`, {}).expect(403);
    });
  });

  describe('withdrawal', () => {
    it("withdraws a tool: the client no longer works on it, the professional still reads the client's work", async () => {
      const a = await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: fx.tool('blood-glucose-diary').toolId })
        .expect(201);
      await fx
        .as(client)
        .post(`/content/assignments/${a.body.id}/diary-entries`, {
          values: { glucose: 6.1, moment: 'fasting', time: '07:30' },
        })
        .expect(201);
      await fx.as(client).delete(`/content/assignments/${a.body.id}`).expect(403);
      await fx.as(pro).delete(`/content/assignments/${a.body.id}`).expect(204);
      await fx
        .as(client)
        .post(`/content/assignments/${a.body.id}/diary-entries`, {
          values: { glucose: 6.1, moment: 'fasting', time: '07:30' },
        })
        .expect(409);
      const active = await fx.as(client).get(`/content/clients/${client.id}/assignments`).expect(200);
      expect(active.body.items.map((i: { id: string }) => i.id)).not.toContain(a.body.id);
      const all = await fx.as(pro).get(`/content/clients/${client.id}/assignments`).expect(200);
      expect(all.body.items.find((i: { id: string }) => i.id === a.body.id)).toMatchObject({
        status: 'withdrawn',
      });
      const work = await fx.as(pro).get(`/content/assignments/${a.body.id}`).expect(200);
      expect(work.body.entries).toEqual([
        expect.objectContaining({ values: { glucose: 6.1, moment: 'fasting', time: '07:30' } }),
      ]);
      await expectEventually(async () => {
        expect(
          fx.events(contentAssignmentWithdrawnV1.topic).some((e) => e.payload.assignmentId === a.body.id),
        ).toBe(true);
      });
    });
  });
});
