import { questionnaireDefinitionSchema } from '../library/content-definition';
import { clientFeedbackByTool, clientVisibleSeries } from './client-visible';
import type { Series } from './report-series';

const questionnaire = (clientFeedback: 'score_and_band' | 'none') =>
  questionnaireDefinitionSchema.parse({
    kind: 'questionnaire',
    key: 'q',
    title: 'Q',
    clientFeedback,
    options: [
      { value: 0, label: 'No' },
      { value: 1, label: 'Yes' },
    ],
    items: [{ key: 'a', text: 'A' }],
    scoring: { method: 'sum', bands: [{ min: 0, max: 1, code: 'any', label: 'Any' }] },
  });

const line = (toolId: string, kind: Series['kind']): Series => ({
  toolId,
  toolKey: toolId,
  kind,
  title: toolId,
  measure: kind === 'diary' ? 'mood' : 'total',
  label: 'x',
  unit: null,
  min: 0,
  max: 1,
  bands: null,
  points: [{ at: '2026-11-01T00:00:00.000Z', value: 1 }],
});

describe('what the client may see of their report', () => {
  const revisions = new Map([
    ['shown-1', { revision: 1, definition: questionnaire('none') }],
    ['shown-2', { revision: 2, definition: questionnaire('score_and_band') }],
    ['hidden-1', { revision: 1, definition: questionnaire('score_and_band') }],
  ]);

  it('takes the organisation’s choice over the tool’s, and the newest revision’s own otherwise', () => {
    const feedback = clientFeedbackByTool(
      [
        { tool_id: 'shown', revision_id: 'shown-1' },
        { tool_id: 'shown', revision_id: 'shown-2' },
        { tool_id: 'hidden', revision_id: 'hidden-1' },
      ],
      revisions,
      new Map([['hidden', 'none']]),
    );
    expect(feedback).toEqual(
      new Map([
        ['shown', 'score_and_band'],
        ['hidden', 'none'],
      ]),
    );
  });

  it('keeps diaries and the scores the client may see; leaves out the others, and unknown tools', () => {
    const series = [line('diary', 'diary'), line('shown', 'questionnaire'), line('hidden', 'questionnaire')];
    const visible = clientVisibleSeries(
      [...series, line('unknown', 'questionnaire')],
      new Map([
        ['shown', 'score_and_band'],
        ['hidden', 'none'],
      ]),
    );
    expect(visible.map((s) => s.toolId)).toEqual(['diary', 'shown']);
  });
});
