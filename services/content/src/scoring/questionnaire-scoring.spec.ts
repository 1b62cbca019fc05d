import { join } from 'node:path';
import { loadContentDirectory } from '../library/content-files';
import type { QuestionnaireDefinition } from '../library/content-definition';
import { questionnaireDefinitionSchema } from '../library/content-definition';
import { bandOf, itemScore, scoreQuestionnaire, validateQuestionnaireAnswers } from './questionnaire-scoring';

const seeds = loadContentDirectory(join(__dirname, '..', '..', '..', '..', 'seeds', 'content'));
const questionnaire = (key: string) =>
  seeds.files.find((f) => f.definition.key === key)!.definition as QuestionnaireDefinition;

/** Answers whose item values add up to `total`, filled from the first item (each item 0–3). */
function answersFor(q: QuestionnaireDefinition, total: number, overrides: Record<string, number> = {}) {
  const answers: Record<string, number> = { ...overrides };
  let left = total - Object.values(overrides).reduce((a, b) => a + b, 0);
  for (const item of q.items) {
    if (item.key in overrides) continue;
    const v = Math.min(3, Math.max(0, left));
    answers[item.key] = v;
    left -= v;
  }
  if (left !== 0) throw new Error(`cannot reach ${total}`);
  return answers;
}

describe('PHQ-9 scoring (published bands: 0–4, 5–9, 10–14, 15–19, 20–27; item 9 > 0 flags)', () => {
  const phq9 = questionnaire('phq-9');

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
  ])('a total of %i is %s', (total, band) => {
    const score = scoreQuestionnaire(phq9, answersFor(phq9, total));
    expect(score.total).toBe(total);
    expect(score.band?.code).toBe(band);
  });

  it.each([0, 1, 2, 3])('item 9 answered %i: flagged exactly when above 0', (value) => {
    const score = scoreQuestionnaire(phq9, answersFor(phq9, 3 + value, { 'phq9-9': value }));
    expect(score.flags.map((f) => f.code)).toEqual(value > 0 ? ['self_harm'] : []);
  });

  it('flags item 9 even when the total is minimal', () => {
    const score = scoreQuestionnaire(phq9, answersFor(phq9, 1, { 'phq9-9': 1 }));
    expect(score).toMatchObject({ total: 1, band: { code: 'minimal' } });
    expect(score.flags).toHaveLength(1);
  });

  it('refuses missing, unknown, out-of-range and non-integer answers with the item named', () => {
    const answers: Record<string, unknown> = answersFor(phq9, 5);
    delete answers['phq9-2'];
    answers['phq9-3'] = 4;
    answers['phq9-4'] = 1.5;
    answers['phq9-5'] = '2';
    answers['phq9-99'] = 1;
    expect(validateQuestionnaireAnswers(phq9, answers)).toEqual([
      { path: 'answers.phq9-99', message: 'is not an item of this questionnaire' },
      { path: 'answers.phq9-2', message: 'is required' },
      { path: 'answers.phq9-3', message: 'must be one of 0, 1, 2, 3 (got 4)' },
      { path: 'answers.phq9-4', message: 'must be one of 0, 1, 2, 3' },
      { path: 'answers.phq9-5', message: 'must be one of 0, 1, 2, 3' },
    ]);
    expect(() => scoreQuestionnaire(phq9, answers as Record<string, number>)).toThrow(RangeError);
  });
});

describe('GAD-7 scoring (published bands: 0–4, 5–9, 10–14, 15–21)', () => {
  const gad7 = questionnaire('gad-7');
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'severe'],
    [21, 'severe'],
  ])('a total of %i is %s', (total, band) => {
    const score = scoreQuestionnaire(gad7, answersFor(gad7, total));
    expect(score).toMatchObject({ total, band: { code: band }, flags: [] });
  });
});

describe('scoring engine: reverse scoring, subscales, flag rules on scores', () => {
  const q = questionnaireDefinitionSchema.parse({
    kind: 'questionnaire',
    key: 'wellbeing',
    title: 'Wellbeing',
    options: [
      { value: 1, label: 'Never' },
      { value: 2, label: 'Sometimes' },
      { value: 3, label: 'Often' },
      { value: 4, label: 'Always' },
    ],
    items: [
      { key: 'calm', text: 'I feel calm' },
      { key: 'tense', text: 'I feel tense' },
      { key: 'sleep', text: 'I sleep well' },
      { key: 'tired', text: 'I feel tired' },
    ],
    scoring: {
      method: 'subscales',
      reverseScored: ['calm', 'sleep'],
      subscales: [
        {
          key: 'tension',
          label: 'Tension',
          items: ['calm', 'tense'],
          bands: [
            { min: 2, max: 5, code: 'low', label: 'Low' },
            { min: 6, max: 8, code: 'high', label: 'High' },
          ],
        },
        { key: 'fatigue', label: 'Fatigue', items: ['sleep', 'tired'] },
      ],
      bands: [
        { min: 4, max: 10, code: 'ok', label: 'OK' },
        { min: 11, max: 16, code: 'strained', label: 'Strained' },
      ],
      flags: [{ code: 'very_tense', score: 'tension', op: 'gte', value: 7, label: 'Very tense' }],
    },
  });

  it('reverses an item as min + max − answer', () => {
    expect(itemScore(q, 'calm', 1)).toBe(4);
    expect(itemScore(q, 'calm', 4)).toBe(1);
    expect(itemScore(q, 'tense', 4)).toBe(4);
  });

  it('sums subscales from reversed item scores, with their bands, and flags on a subscale score', () => {
    const score = scoreQuestionnaire(q, { calm: 1, tense: 4, sleep: 4, tired: 2 });
    expect(score).toEqual({
      total: 4 + 4 + 1 + 2,
      subscales: { tension: 8, fatigue: 3 },
      band: { code: 'strained', label: 'Strained' },
      subscaleBands: { tension: { code: 'high', label: 'High' } },
      flags: [{ code: 'very_tense', label: 'Very tense' }],
    });
  });

  it('bands are inclusive at both ends; a score outside every band has none', () => {
    const bands = [{ min: 0, max: 4, code: 'a', label: 'A' }];
    expect(bandOf(bands, 4)?.code).toBe('a');
    expect(bandOf(bands, 5)).toBeNull();
  });
});
