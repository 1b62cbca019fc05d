import {
  totalRange,
  type DiaryDefinition,
  type QuestionnaireDefinition,
  type SeverityBand,
  type ToolDefinition,
} from '../library/content-definition';
import { numericValue } from '../scoring/answer-validation';

export interface SeriesPoint {
  at: string;
  value: number;
  /** Questionnaire scores: the severity band's code at that moment. */
  band?: string | null;
}

/** One line of a chart: a diary field or a score of one tool, over time. */
export interface Series {
  toolId: string;
  toolKey: string;
  kind: 'diary' | 'questionnaire';
  title: string;
  /** The diary field's key, 'total', or a subscale's key. */
  measure: string;
  label: string;
  unit: string | null;
  min: number | null;
  max: number | null;
  bands: SeverityBand[] | null;
  points: SeriesPoint[];
}

/**
 * Turns diary entries and scored responses into chart-ready series, pure. Labels, units and ranges
 * come from the newest revision the points were recorded under; a field that a later revision
 * dropped keeps its series. Free-text and choice fields are not charted.
 */
export function buildSeries(
  diaryPoints: { tool_id: string; revision_id: string; recorded_at: Date; value: Record<string, unknown> }[],
  scorePoints: {
    tool_id: string;
    revision_id: string;
    submitted_at: Date;
    total: string | number;
    subscales: Record<string, number>;
    band: string | null;
  }[],
  revisions: Map<string, { revision: number; definition: ToolDefinition }>,
): Series[] {
  const series = new Map<string, Series & { revision: number }>();
  const line = (
    toolId: string,
    measure: string,
    revisionId: string,
    make: (d: ToolDefinition) => Omit<Series, 'points' | 'toolId' | 'measure'> | null,
  ) => {
    const revision = revisions.get(revisionId);
    if (!revision) return null;
    const id = `${toolId}|${measure}`;
    const existing = series.get(id);
    if (!existing || revision.revision > existing.revision) {
      const described = make(revision.definition);
      if (!described) return existing ?? null;
      series.set(id, {
        ...described,
        toolId,
        measure,
        points: existing?.points ?? [],
        revision: revision.revision,
      });
    }
    return series.get(id)!;
  };
  for (const p of diaryPoints) {
    for (const [key, raw] of Object.entries(p.value)) {
      const def = revisions.get(p.revision_id)?.definition as DiaryDefinition | undefined;
      const field = def?.fields.find((f) => f.key === key);
      if (!field) continue;
      const value = numericValue(field, raw);
      if (value === null) continue;
      const s = line(p.tool_id, key, p.revision_id, (d) => {
        const f = (d as DiaryDefinition).fields.find((x) => x.key === key);
        if (!f) return null;
        return {
          toolKey: d.key,
          kind: 'diary',
          title: d.title,
          label: f.label,
          unit: f.type === 'number' ? f.unit : f.type === 'time' ? 'minutes after midnight' : null,
          min: f.type === 'scale' || f.type === 'number' ? f.min : f.type === 'time' ? 0 : null,
          max: f.type === 'scale' || f.type === 'number' ? f.max : f.type === 'time' ? 1439 : null,
          bands: null,
        };
      });
      s?.points.push({ at: new Date(p.recorded_at).toISOString(), value });
    }
  }
  for (const p of scorePoints) {
    const measures: [string, number, string | null][] = [
      ['total', Number(p.total), p.band],
      ...Object.entries(p.subscales).map(([k, v]): [string, number, string | null] => [k, v, null]),
    ];
    for (const [measure, value, band] of measures) {
      const s = line(p.tool_id, measure, p.revision_id, (d) => {
        const q = d as QuestionnaireDefinition;
        const sub = q.scoring.subscales.find((x) => x.key === measure);
        const range =
          measure === 'total'
            ? totalRange(q)
            : sub
              ? totalRange({ ...q, items: q.items.filter((i) => sub.items.includes(i.key)) })
              : null;
        return {
          toolKey: q.key,
          kind: 'questionnaire',
          title: q.title,
          label: measure === 'total' ? 'Total score' : (sub?.label ?? measure),
          unit: null,
          min: range?.min ?? null,
          max: range?.max ?? null,
          bands:
            measure === 'total' ? (q.scoring.bands.length ? q.scoring.bands : null) : (sub?.bands ?? null),
        };
      });
      s?.points.push({
        at: new Date(p.submitted_at).toISOString(),
        value,
        ...(measure === 'total' ? { band } : {}),
      });
    }
  }
  return [...series.values()]
    .map(({ revision: _r, ...s }) => s)
    .sort(
      (a, b) =>
        a.title.localeCompare(b.title) ||
        a.toolId.localeCompare(b.toolId) ||
        a.measure.localeCompare(b.measure),
    );
}
