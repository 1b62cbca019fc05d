import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import { LegacyValueSealer } from '../../src/common/legacy-value-sealer';
import { startContent, type ContentFixture, type Person } from '../support/content-fixture';

/** PHQ-9 answers adding up to `total` with item 9 as given. */
function phq9(total: number, item9: number): Record<string, number> {
  const answers: Record<string, number> = { 'phq9-9': item9 };
  let left = total - item9;
  for (let i = 1; i <= 8; i++) {
    answers[`phq9-${i}`] = Math.min(3, left);
    left -= answers[`phq9-${i}`];
  }
  return answers;
}

describe('rows written before every health value was sealed are sealed at start (real PostgreSQL)', () => {
  let fx: ContentFixture;
  const tenant = randomUUID();
  let pro: Person, client: Person;

  beforeAll(async () => {
    fx = await startContent();
    [pro, client] = fx.people(tenant, ['professional', 'client']);
    await fx.grant(pro, client);
  });
  afterAll(() => fx?.stop());

  const assign = async (key: string) =>
    (
      await fx
        .as(pro)
        .post('/content/assignments', { clientId: client.id, toolId: fx.tool(key).toolId })
        .expect(201)
    ).body as { id: string };

  it('seals clear diary values, scale answers, scores and flags, empties the clear columns, and reads the same', async () => {
    const diary = await assign('blood-glucose-diary');
    const q = await assign('phq-9');
    const module = await assign('cbt-low-mood');
    const entry = (
      await fx
        .as(client)
        .post(`/content/assignments/${diary.id}/diary-entries`, {
          values: { glucose: 8.4, moment: 'after_meal', time: '12:15', note: 'Ate in a rush' },
          recordedAt: '2026-11-02T12:15:00Z',
        })
        .expect(201)
    ).body as { id: string };
    const response = (
      await fx
        .as(client)
        .post(`/content/assignments/${q.id}/responses`, { answers: phq9(17, 2) })
        .expect(201)
    ).body as { id: string };
    await fx
      .as(client)
      .put(`/content/assignments/${module.id}/pages/session-1/the-circle`, { answers: { 'mood-now': 2 } })
      .expect(200);
    const before = {
      diary: (await fx.as(pro).get(`/content/assignments/${diary.id}`).expect(200)).body,
      q: (await fx.as(pro).get(`/content/assignments/${q.id}`).expect(200)).body,
      module: (await fx.as(pro).get(`/content/assignments/${module.id}`).expect(200)).body,
      report: (await fx.as(pro).get(`/content/clients/${client.id}/report`).expect(200)).body,
    };

    // Put the rows back the way the release before this one wrote them: values in clear, only the
    // diary's texts sealed.
    const cipher = fx.service.app.get(SubjectDataCipher);
    const texts = await cipher.encrypt(
      fx.service.app.get(DataSource).manager,
      { tenantId: tenant, subjectId: client.id },
      `diary_entry:${entry.id}`,
      JSON.stringify({ note: 'Ate in a rush' }),
    );
    await fx.db.query(
      `UPDATE content.diary_entry SET value = '{"glucose": 8.4, "moment": "after_meal", "time": "12:15"}', sealed_text = $2 WHERE id = $1`,
      [entry.id, texts],
    );
    await fx.db.query(
      `UPDATE content.questionnaire_response SET sealed_score = NULL, answers = $2, total = 17,
              subscales = '{}', band = 'moderately_severe', flags = '{self_harm}' WHERE id = $1`,
      [response.id, JSON.stringify(phq9(17, 2))],
    );
    await fx.db.query(
      `UPDATE content.flag SET sealed_code = NULL, code = 'self_harm' WHERE response_id = $1`,
      [response.id],
    );
    await fx.db.query(
      `UPDATE content.module_answer SET sealed_value = NULL, value = '2' WHERE assignment_id = $1 AND block_key = 'mood-now'`,
      [module.id],
    );

    const counts = await fx.service.app.get(LegacyValueSealer).sealAll();
    expect(counts).toEqual({ diary_entry: 1, module_answer: 1, questionnaire_response: 1, flag: 1 });

    const clear = await fx.db.query<{ t: string }>(
      `SELECT row_to_json(x)::text AS t FROM (
         SELECT value::text AS v FROM content.diary_entry WHERE client_id = $1 AND value IS NOT NULL
         UNION ALL SELECT value::text FROM content.module_answer WHERE client_id = $1 AND value IS NOT NULL
         UNION ALL SELECT concat(total, band, flags::text, answers::text) FROM content.questionnaire_response
                   WHERE client_id = $1 AND (total IS NOT NULL OR band IS NOT NULL OR answers IS NOT NULL)
         UNION ALL SELECT code FROM content.flag WHERE client_id = $1 AND code IS NOT NULL) x`,
      [client.id],
    );
    expect(clear).toEqual([]);
    expect(await fx.service.app.get(LegacyValueSealer).sealAll()).toEqual({
      diary_entry: 0,
      module_answer: 0,
      questionnaire_response: 0,
      flag: 0,
    });

    expect((await fx.as(pro).get(`/content/assignments/${diary.id}`).expect(200)).body).toEqual(before.diary);
    expect((await fx.as(pro).get(`/content/assignments/${q.id}`).expect(200)).body).toEqual(before.q);
    expect((await fx.as(pro).get(`/content/assignments/${module.id}`).expect(200)).body).toEqual(
      before.module,
    );
    const { generatedAt: _, ...report } = (
      await fx.as(pro).get(`/content/clients/${client.id}/report`).expect(200)
    ).body as Record<string, unknown>;
    expect({ ...report, generatedAt: before.report.generatedAt }).toEqual(before.report);
    expect(before.q.responses[0]).toMatchObject({ score: { total: 17 }, flags: ['self_harm'] });
  });
});
