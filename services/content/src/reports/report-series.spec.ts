import { diaryDefinitionSchema, questionnaireDefinitionSchema } from '../library/content-definition';
import { buildSeries } from './report-series';

const diary = (label: string) =>
  diaryDefinitionSchema.parse({
    kind: 'diary',
    key: 'mood',
    title: 'Mood',
    fields: [
      { type: 'scale', key: 'mood', label, min: 0, max: 10 },
      { type: 'free_text', key: 'note', label: 'Note' },
    ],
  });
const questionnaire = questionnaireDefinitionSchema.parse({
  kind: 'questionnaire',
  key: 'q',
  title: 'Q',
  options: [
    { value: 0, label: 'No' },
    { value: 1, label: 'Yes' },
  ],
  items: [
    { key: 'a', text: 'A' },
    { key: 'b', text: 'B' },
  ],
  scoring: {
    method: 'subscales',
    subscales: [{ key: 'first', label: 'First', items: ['a'] }],
    bands: [
      { min: 0, max: 1, code: 'low', label: 'Low' },
      { min: 2, max: 2, code: 'high', label: 'High' },
    ],
  },
});

describe('report series (pure)', () => {
  const revisions = new Map([
    ['r1', { revision: 1, definition: diary('Mood') }],
    ['r2', { revision: 2, definition: diary('Overall mood') }],
    ['q1', { revision: 1, definition: questionnaire }],
  ]);

  it('joins a field across revisions under the newest label, in time order, and leaves free text out', () => {
    const series = buildSeries(
      [
        {
          tool_id: 't',
          revision_id: 'r1',
          recorded_at: new Date('2026-11-01T08:00:00Z'),
          value: { mood: 3 },
        },
        {
          tool_id: 't',
          revision_id: 'r2',
          recorded_at: new Date('2026-11-02T08:00:00Z'),
          value: { mood: 5 },
        },
      ],
      [],
      revisions,
    );
    expect(series).toEqual([
      {
        toolId: 't',
        toolKey: 'mood',
        kind: 'diary',
        title: 'Mood',
        measure: 'mood',
        label: 'Overall mood',
        unit: null,
        min: 0,
        max: 10,
        bands: null,
        points: [
          { at: '2026-11-01T08:00:00.000Z', value: 3 },
          { at: '2026-11-02T08:00:00.000Z', value: 5 },
        ],
      },
    ]);
  });

  it('gives the total (with bands and each point’s band) and each subscale its own series', () => {
    const series = buildSeries(
      [],
      [
        {
          tool_id: 'q',
          revision_id: 'q1',
          submitted_at: new Date('2026-11-03T00:00:00Z'),
          total: '2',
          subscales: { first: 1 },
          band: 'high',
        },
      ],
      revisions,
    );
    expect(series.map((s) => [s.measure, s.min, s.max, s.points])).toEqual([
      ['first', 0, 1, [{ at: '2026-11-03T00:00:00.000Z', value: 1 }]],
      ['total', 0, 2, [{ at: '2026-11-03T00:00:00.000Z', value: 2, band: 'high' }]],
    ]);
    expect(series[1].bands?.map((b) => b.code)).toEqual(['low', 'high']);
  });
});
