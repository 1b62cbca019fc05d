import { randomUUID } from 'node:crypto';
import { contentQuestionnaireScoredV2, contentSessionCompletedV1 } from '@therapy-room/contracts';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { expectEventually } from '@therapy-room/testing';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

const SECRET_ANSWER = 'I stayed in bed and thought nobody would miss me';
const SECRET_NOTE = 'Skipped lunch after the argument with my sister';

/** PHQ-9 answers adding up to `total` (item 9 as given), filled from item 1. */
function phq9(total: number, item9 = 0): Record<string, number> {
  const answers: Record<string, number> = { 'phq9-9': item9 };
  let left = total - item9;
  for (let i = 1; i <= 8; i++) {
    answers[`phq9-${i}`] = Math.min(3, left);
    left -= answers[`phq9-${i}`];
  }
  return answers;
}
function gad7(total: number): Record<string, number> {
  const answers: Record<string, number> = {};
  let left = total;
  for (let i = 1; i <= 7; i++) {
    answers[`gad7-${i}`] = Math.min(3, left);
    left -= answers[`gad7-${i}`];
  }
  return answers;
}

describe('client work: resumable modules, diaries, scored questionnaires, trends, encryption (real PostgreSQL and Kafka)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  let pro: Person, client: Person;

  beforeAll(async () => {
    fx = await startContent([contentSessionCompletedV1.topic, contentQuestionnaireScoredV2.topic]);
    [pro, client] = fx.people(tenant, ['professional', 'client']);
    await fx.grant(pro, client);
  });
  afterAll(() => fx?.stop());

  const assign = async (key: string, extra: object = {}) =>
    (
      await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: fx.tool(key).toolId, ...extra })
        .expect(201)
    ).body as { id: string };

  describe('a module, page by page', () => {
    let moduleId: string;
    beforeAll(async () => {
      moduleId = (await assign('cbt-low-mood', { sessions: ['session-1', 'session-4'], supported: true })).id;
    });

    it('saves answers as the client goes, and resumes where they left off on another device', async () => {
      const page = `/content/assignments/${moduleId}/pages/session-1/the-circle`;
      await fx
        .as(client)
        .put(page, { answers: { 'mood-now': 3 } })
        .expect(200);
      const saved = await fx
        .as(client)
        .put(page, { answers: { 'my-circle': SECRET_ANSWER } })
        .expect(200);
      expect(saved.body).toMatchObject({ saved: 1, sessionCompleted: false });

      // "Another device": a fresh read shows every answer and the position.
      const resumed = await fx.as(client).get(`/content/assignments/${moduleId}`).expect(200);
      expect(resumed.body.position).toEqual({ sessionKey: 'session-1', pageKey: 'the-circle' });
      expect(resumed.body.answers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ blockKey: 'mood-now', value: 3 }),
          expect.objectContaining({ blockKey: 'my-circle', value: SECRET_ANSWER }),
        ]),
      );
      // Changing an answer replaces it.
      await fx
        .as(client)
        .put(page, { answers: { 'mood-now': 4 } })
        .expect(200);
      const again = await fx.as(client).get(`/content/assignments/${moduleId}`).expect(200);
      expect(again.body.answers.find((a: { blockKey: string }) => a.blockKey === 'mood-now').value).toBe(4);
      // The scale answer is a health value too: sealed, nothing in clear.
      const [stored] = await fx.db.query<{ value: unknown; sealed_value: Buffer | null }>(
        `SELECT value, sealed_value FROM content.module_answer WHERE assignment_id = $1 AND block_key = 'mood-now'`,
        [moduleId],
      );
      expect(stored.value).toBeNull();
      expect(stored.sealed_value).toBeInstanceOf(Buffer);
    });

    it('stores free text only encrypted: the bytes at rest do not contain the text', async () => {
      const rows = await fx.db.query<{ value: unknown; sealed_text: Buffer | null }>(
        `SELECT value, sealed_text FROM content.module_answer WHERE assignment_id = $1 AND block_key = 'my-circle'`,
        [moduleId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].value).toBeNull();
      expect(rows[0].sealed_text!.includes(Buffer.from(SECRET_ANSWER))).toBe(false);
      expect(rows[0].sealed_text!.includes(Buffer.from('nobody'))).toBe(false);
      const dump = await fx.db.query<{ t: string }>(
        `SELECT row_to_json(m)::text AS t FROM content.module_answer m`,
      );
      expect(dump.some((r) => r.t.includes('nobody would miss me'))).toBe(false);
      const keys = await fx.db.keysQuery(`SELECT 1 FROM content.subject_data_key WHERE subject_id = $1`, [
        client.id,
      ]);
      expect(keys).toHaveLength(1);
    });

    it('completes a session when every page is done, once, and publishes it without the answers', async () => {
      for (const pageKey of ['welcome', 'the-circle']) {
        const res = await fx
          .as(client)
          .put(`/content/assignments/${moduleId}/pages/session-1/${pageKey}`, { completed: true })
          .expect(200);
        expect(res.body.sessionCompleted).toBe(false);
      }
      const last = await fx
        .as(client)
        .put(`/content/assignments/${moduleId}/pages/session-1/goals`, {
          answers: { areas: ['work', 'health'] },
          completed: true,
        })
        .expect(200);
      expect(last.body).toEqual({
        saved: 1,
        sessionCompleted: true,
        progress: { completedSessions: 1, totalSessions: 2 },
      });
      const repeat = await fx
        .as(client)
        .put(`/content/assignments/${moduleId}/pages/session-1/goals`, { completed: true })
        .expect(200);
      expect(repeat.body.sessionCompleted).toBe(false);
      await expectEventually(async () => {
        const done = fx
          .events(contentSessionCompletedV1.topic)
          .filter((e) => e.payload.assignmentId === moduleId);
        expect(done).toHaveLength(1);
        expect(done[0]).toMatchObject({
          payload: { sessionKey: 'session-1', completedSessions: 1, totalSessions: 2 },
        });
        expect(JSON.stringify(done[0])).not.toContain('work');
      });
    });

    it('refuses wrong answers with 400 and stores nothing; pages outside the tailoring are not found', async () => {
      const page = `/content/assignments/${moduleId}/pages/session-1/the-circle`;
      const res = await fx
        .as(client)
        .put(page, { answers: { 'mood-now': 11, 'my-circle': 42, colour: 'x' } })
        .expect(400);
      expect(res.body.errors).toEqual([
        { path: 'answers.mood-now', message: 'must be a whole number from 0 to 10 (got 11)' },
        { path: 'answers.my-circle', message: 'must be text' },
        { path: 'answers.colour', message: 'is not an exercise or reflection on this page' },
      ]);
      const stored = await fx.as(client).get(`/content/assignments/${moduleId}`).expect(200);
      expect(stored.body.answers.find((a: { blockKey: string }) => a.blockKey === 'mood-now').value).toBe(4);
      await fx
        .as(client)
        .put(`/content/assignments/${moduleId}/pages/session-2/plan`, { answers: {} })
        .expect(404);
      await fx
        .as(pro)
        .put(page, { answers: { 'mood-now': 5 } })
        .expect(403);
    });

    it('lets the professional give feedback on a supported module; the client reads it, encrypted at rest', async () => {
      await fx
        .as(pro)
        .post(`/content/assignments/${moduleId}/feedback`, {
          sessionKey: 'session-1',
          text: 'Well noticed, Sam.',
        })
        .expect(201);
      const work = await fx.as(client).get(`/content/assignments/${moduleId}`).expect(200);
      expect(work.body.feedback).toEqual([
        expect.objectContaining({ sessionKey: 'session-1', text: 'Well noticed, Sam.' }),
      ]);
      const [row] = await fx.db.query<{ sealed_text: Buffer }>(
        `SELECT sealed_text FROM content.exercise_feedback`,
      );
      expect(row.sealed_text.includes(Buffer.from('Well noticed'))).toBe(false);
      const selfHelp = await assign('cbt-low-mood');
      await fx
        .as(pro)
        .post(`/content/assignments/${selfHelp.id}/feedback`, { sessionKey: 'session-1', text: 'x' })
        .expect(400);
    });
  });

  describe('diaries', () => {
    it('keeps a glucose reading within its bounds and its note encrypted', async () => {
      const diary = await assign('blood-glucose-diary');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${diary.id}/diary-entries`, {
          values: { glucose: 7.2, moment: 'after_meal', time: '13:30', note: SECRET_NOTE },
          recordedAt: '2026-11-02T13:30:00Z',
        })
        .expect(201);
      const [row] = await fx.db.query<{ value: object | null; sealed_text: Buffer; t: string }>(
        `SELECT value, sealed_text, row_to_json(e)::text AS t FROM content.diary_entry e WHERE id = $1`,
        [res.body.id],
      );
      // Every value is sealed, the reading as much as the note.
      expect(row.value).toBeNull();
      expect(row.sealed_text.includes(Buffer.from('argument'))).toBe(false);
      for (const clear of ['7.2', 'after_meal']) expect(row.t).not.toContain(clear);
      const work = await fx.as(pro).get(`/content/assignments/${diary.id}`).expect(200);
      expect(work.body.entries[0].values).toEqual({
        glucose: 7.2,
        moment: 'after_meal',
        time: '13:30',
        note: SECRET_NOTE,
      });
    });

    it.each([
      [
        'a glucose value of -3',
        { glucose: -3, moment: 'fasting', time: '07:00' },
        'values.glucose',
        'must be between 1 and 33.3 mmol/L (got -3)',
      ],
      [
        'a glucose value as text',
        { glucose: 'high', moment: 'fasting', time: '07:00' },
        'values.glucose',
        'must be a number (mmol/L)',
      ],
      [
        'an unknown moment',
        { glucose: 5, moment: 'brunch', time: '07:00' },
        'values.moment',
        expect.stringMatching(/^must be one of: fasting/),
      ],
      ['a missing time', { glucose: 5, moment: 'fasting' }, 'values.time', 'is required'],
    ])('refuses %s with 400, storing nothing', async (_name, values, path, message) => {
      const diary = await assign('blood-glucose-diary');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${diary.id}/diary-entries`, { values })
        .expect(400);
      expect(res.body.errors).toEqual([{ path, message }]);
      expect(
        await fx.db.query(`SELECT 1 FROM content.diary_entry WHERE assignment_id = $1`, [diary.id]),
      ).toHaveLength(0);
    });

    it('refuses a mood of 11 on 0–10, a date in the future, and an entry on a questionnaire', async () => {
      const diary = await assign('mood-diary');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${diary.id}/diary-entries`, {
          values: { mood: 11, anxiety: 3, sleep: 7 },
          recordedAt: '2099-01-01T00:00:00Z',
        })
        .expect(400);
      expect(res.body.errors).toEqual([
        { path: 'values.mood', message: 'must be a whole number from 0 to 10 (got 11)' },
        { path: 'recordedAt', message: 'must not be in the future' },
      ]);
      const q = await assign('gad-7');
      await fx
        .as(client)
        .post(`/content/assignments/${q.id}/diary-entries`, { values: { mood: 3 } })
        .expect(400);
    });
  });

  describe('questionnaires scored on the server', () => {
    it.each([
      [0, 'minimal'],
      [4, 'minimal'],
      [5, 'mild'],
      [9, 'mild'],
      [10, 'moderate'],
      [14, 'moderate'],
      [15, 'moderately_severe'],
      [19, 'moderately_severe'],
      [20, 'severe'],
      [27, 'severe'],
    ])('PHQ-9 total %i is %s (stored and published as numbers and codes)', async (total, band) => {
      const q = await assign('phq-9');
      const item9 = total > 24 ? 3 : 0;
      const res = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: phq9(total, item9) })
        .expect(201);
      expect(res.body.score).toBeUndefined(); // PHQ-9 shows the client no score (the tool's choice)
      // Stored sealed: no score, band or answer in clear.
      const [row] = await fx.db.query<{ total: string | null; band: string | null; sealed_score: Buffer }>(
        `SELECT total, band, sealed_score FROM content.questionnaire_response WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toMatchObject({ total: null, band: null });
      expect(row.sealed_score.includes(Buffer.from(band))).toBe(false);
      // Published sealed with the client's key; content (holding the key) opens it.
      const scored = await expectEventually(() => {
        const found = fx
          .events(contentQuestionnaireScoredV2.topic)
          .find((e) => e.payload.responseId === res.body.id);
        expect(found).toBeDefined();
        return found!;
      });
      expect(JSON.stringify(scored)).not.toContain(band);
      const opened = JSON.parse(
        await fx.service.app
          .get(SubjectDataCipher)
          .decrypt(
            client.id,
            `event:content.questionnaire.scored:${res.body.id}`,
            Buffer.from((scored.payload as { sealedScore: string }).sealedScore, 'base64'),
          ),
      ) as object;
      expect(opened).toMatchObject({ total, band, flags: item9 > 0 ? ['self_harm'] : [] });
    });

    it.each([
      [0, 'minimal'],
      [4, 'minimal'],
      [5, 'mild'],
      [9, 'mild'],
      [10, 'moderate'],
      [14, 'moderate'],
      [15, 'severe'],
      [21, 'severe'],
    ])('GAD-7 total %i is %s, and the client sees it (the tool says so)', async (total, band) => {
      const q = await assign('gad-7');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(total) })
        .expect(201);
      expect(res.body.score).toMatchObject({ total, band: { code: band } });
    });

    it('flags PHQ-9 item 9 above 0 for the professional, who acknowledges it; the client does not see flags', async () => {
      const q = await assign('phq-9');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: phq9(3, 1) })
        .expect(201);
      const flags = await fx.as(pro).get('/content/flags').expect(200);
      const flag = flags.body.items.find((f: { responseId: string }) => f.responseId === res.body.id);
      expect(flag).toMatchObject({ code: 'self_harm', clientId: client.id });
      const mine = await fx.as(client).get(`/content/assignments/${q.id}`).expect(200);
      expect(mine.body.flags).toBeUndefined();
      expect(mine.body.responses[0].score).toBeUndefined();
      const theirs = await fx.as(pro).get(`/content/assignments/${q.id}`).expect(200);
      expect(theirs.body.responses[0]).toMatchObject({
        score: { total: 3, band: 'minimal' },
        flags: ['self_harm'],
      });
      await fx.as(client).post(`/content/flags/${flag.id}/acknowledge`, {}).expect(403);
      await fx.as(pro).post(`/content/flags/${flag.id}/acknowledge`, {}).expect(204);
      const after = await fx.as(pro).get('/content/flags').expect(200);
      expect(after.body.items.map((f: { id: string }) => f.id)).not.toContain(flag.id);
    });

    it('the client sees what the organisation chooses to show, per questionnaire', async () => {
      const [admin] = fx.people(tenant, ['org_admin']);
      const gad = fx.tool('gad-7').toolId;
      const before = await fx.as(pro).get(`/content/library/${gad}`).expect(200);
      expect(before.body.clientFeedback).toBe('score_and_band');
      await fx.as(pro).put(`/content/library/${gad}/client-feedback`, { clientFeedback: 'none' }).expect(403);
      await fx
        .as(admin)
        .put(`/content/library/${gad}/client-feedback`, { clientFeedback: 'none' })
        .expect(200);
      const q = await assign('gad-7');
      const res = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(12) })
        .expect(201);
      expect(res.body.score).toBeUndefined();
      const mine = await fx.as(client).get(`/content/assignments/${q.id}`).expect(200);
      expect(mine.body.responses[0].score).toBeUndefined();
      const theirs = await fx.as(pro).get(`/content/assignments/${q.id}`).expect(200);
      expect(theirs.body.responses[0].score).toMatchObject({ total: 12, band: 'moderate' });
      // The other way round: PHQ-9 hides scores by default; this organisation shows them.
      await fx
        .as(admin)
        .put(`/content/library/${fx.tool('phq-9').toolId}/client-feedback`, {
          clientFeedback: 'score_and_band',
        })
        .expect(200);
      const phq = await assign('phq-9');
      const shown = await fx
        .as(client)
        .post(`/content/assignments/${phq.id}/responses`, { answers: phq9(6) })
        .expect(201);
      expect(shown.body.score).toMatchObject({ total: 6, band: { code: 'mild' } });
      // Back to the tool's own choice for the rest of this file.
      await fx
        .as(admin)
        .put(`/content/library/${fx.tool('phq-9').toolId}/client-feedback`, { clientFeedback: 'none' })
        .expect(200);
      await fx
        .as(admin)
        .put(`/content/library/${gad}/client-feedback`, { clientFeedback: 'score_and_band' })
        .expect(200);
      const bad = await fx
        .as(admin)
        .put(`/content/library/${fx.tool('mood-diary').toolId}/client-feedback`, { clientFeedback: 'none' })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { path: 'toolId', message: 'is a diary; only questionnaires have scores' },
      ]);
    });

    it('refuses wrong answers with 400 and stores nothing; a once-only questionnaire takes one response', async () => {
      const q = await assign('gad-7');
      const bad = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: { ...gad7(3), 'gad7-2': 4, 'gad7-8': 1 } })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { path: 'answers.gad7-8', message: 'is not an item of this questionnaire' },
        { path: 'answers.gad7-2', message: 'must be one of 0, 1, 2, 3 (got 4)' },
      ]);
      expect(
        await fx.db.query(`SELECT 1 FROM content.questionnaire_response WHERE assignment_id = $1`, [q.id]),
      ).toHaveLength(0);
      await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(3) })
        .expect(201);
      const second = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(3) })
        .expect(409);
      expect(second.body.code).toBe('ALREADY_ANSWERED');
    });

    it('a repeated questionnaire is due again after its interval, and collects scores over time', async () => {
      const q = await assign('gad-7', { schedule: { type: 'repeat', everyDays: 14 } });
      const first = await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(12) })
        .expect(201);
      expect(Date.parse(first.body.nextDueAt) - Date.parse(first.body.submittedAt)).toBe(
        14 * 24 * 3600 * 1000,
      );
      await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: gad7(8) })
        .expect(201);
      const work = await fx.as(pro).get(`/content/assignments/${q.id}`).expect(200);
      expect(work.body.responses.map((r: { score: { total: number } }) => r.score.total)).toEqual([8, 12]);
    });
  });

  describe('reports and trends', () => {
    it('gives the client and the professional a series per diary field and per score, with dates, for a chart', async () => {
      const [otherPro, trendClient] = fx.people(tenant, ['professional', 'client']);
      await fx.grant(otherPro, trendClient);
      const diary = (
        await fx
          .as(otherPro)
          .post('/content/assignments', { clientId: trendClient.id, toolId: fx.tool('mood-diary').toolId })
          .expect(201)
      ).body;
      const q = (
        await fx
          .as(otherPro)
          .post('/content/assignments', {
            clientId: trendClient.id,
            toolId: fx.tool('phq-9').toolId,
            schedule: { type: 'repeat', everyDays: 14 },
          })
          .expect(201)
      ).body;
      for (const [day, mood] of [
        ['2026-11-01', 3],
        ['2026-11-02', 5],
        ['2026-11-03', 6],
      ] as const) {
        await fx
          .as(trendClient)
          .post(`/content/assignments/${diary.id}/diary-entries`, {
            values: {
              mood,
              anxiety: 4,
              sleep: 6.5,
              bedtime: '23:15',
              activities: ['social'],
              note: 'private',
            },
            recordedAt: `${day}T20:00:00Z`,
          })
          .expect(201);
      }
      await fx
        .as(trendClient)
        .post(`/content/assignments/${q.id}/responses`, { answers: phq9(16) })
        .expect(201);
      await fx
        .as(trendClient)
        .post(`/content/assignments/${q.id}/responses`, { answers: phq9(11) })
        .expect(201);

      for (const who of [trendClient, otherPro]) {
        const report = await fx.as(who).get(`/content/clients/${trendClient.id}/report`).expect(200);
        const phqTotal = report.body.series.find(
          (s: { toolKey: string; measure: string }) => s.toolKey === 'phq-9' && s.measure === 'total',
        );
        if (who === trendClient) {
          // PHQ-9 keeps its scores from clients (the tool's choice, kept by this organisation): the
          // client's report has no PHQ-9 series at all, neither scores nor bands.
          expect(phqTotal).toBeUndefined();
          expect(report.body.series.some((s: { toolKey: string }) => s.toolKey === 'phq-9')).toBe(false);
          expect(JSON.stringify(report.body)).not.toContain('moderately_severe');
          continue;
        }
        const series = (tool: string, measure: string) =>
          report.body.series.find(
            (s: { toolKey: string; measure: string }) => s.toolKey === tool && s.measure === measure,
          );
        expect(series('mood-diary', 'mood')).toMatchObject({
          kind: 'diary',
          min: 0,
          max: 10,
          points: [
            { at: '2026-11-01T20:00:00.000Z', value: 3 },
            { at: '2026-11-02T20:00:00.000Z', value: 5 },
            { at: '2026-11-03T20:00:00.000Z', value: 6 },
          ],
        });
        expect(series('mood-diary', 'sleep')).toMatchObject({
          unit: 'hours',
          points: expect.arrayContaining([expect.objectContaining({ value: 6.5 })]),
        });
        expect(series('mood-diary', 'bedtime').points[0].value).toBe(23 * 60 + 15);
        expect(series('mood-diary', 'note')).toBeUndefined();
        expect(series('mood-diary', 'activities')).toBeUndefined();
        const total = series('phq-9', 'total');
        expect(total).toMatchObject({
          min: 0,
          max: 27,
          bands: expect.arrayContaining([expect.objectContaining({ code: 'severe' })]),
        });
        expect(total.points.map((p: { value: number; band: string }) => [p.value, p.band])).toEqual([
          [16, 'moderately_severe'],
          [11, 'moderate'],
        ]);
        expect(JSON.stringify(report.body)).not.toContain('private');
      }
      // The organisation shows PHQ-9 scores to its clients: now the client's report has them too.
      const [admin] = fx.people(tenant, ['org_admin']);
      const phq = fx.tool('phq-9').toolId;
      await fx
        .as(admin)
        .put(`/content/library/${phq}/client-feedback`, { clientFeedback: 'score_and_band' })
        .expect(200);
      const shown = await fx.as(trendClient).get(`/content/clients/${trendClient.id}/report`).expect(200);
      expect(
        shown.body.series
          .find((s: { toolKey: string; measure: string }) => s.toolKey === 'phq-9' && s.measure === 'total')
          .points.map((p: { value: number; band: string }) => [p.value, p.band]),
      ).toEqual([
        [16, 'moderately_severe'],
        [11, 'moderate'],
      ]);
      await fx
        .as(admin)
        .put(`/content/library/${phq}/client-feedback`, { clientFeedback: 'none' })
        .expect(200);
      // And the other way round: GAD-7 shows scores by default; an organisation that hides them hides them here too.
      const gad = (
        await fx
          .as(otherPro)
          .post('/content/assignments', { clientId: trendClient.id, toolId: fx.tool('gad-7').toolId })
          .expect(201)
      ).body;
      await fx
        .as(trendClient)
        .post(`/content/assignments/${gad.id}/responses`, { answers: gad7(12) })
        .expect(201);
      const gadSeries = async () =>
        (
          await fx.as(trendClient).get(`/content/clients/${trendClient.id}/report`).expect(200)
        ).body.series.filter((s: { toolKey: string }) => s.toolKey === 'gad-7');
      expect(await gadSeries()).not.toEqual([]);
      const gadTool = fx.tool('gad-7').toolId;
      await fx
        .as(admin)
        .put(`/content/library/${gadTool}/client-feedback`, { clientFeedback: 'none' })
        .expect(200);
      expect(await gadSeries()).toEqual([]);
      await fx
        .as(admin)
        .put(`/content/library/${gadTool}/client-feedback`, { clientFeedback: 'score_and_band' })
        .expect(200);

      const ranged = await fx
        .as(trendClient)
        .get(`/content/clients/${trendClient.id}/report?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z`)
        .expect(200);
      const mood = ranged.body.series.find((s: { measure: string }) => s.measure === 'mood');
      expect(mood.points).toEqual([{ at: '2026-11-02T20:00:00.000Z', value: 5 }]);
      await fx.as(trendClient).get(`/content/clients/${trendClient.id}/report?from=yesterday`).expect(400);
    });
  });
});
