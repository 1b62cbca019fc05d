import type { ToolDefinition } from '../library/content-definition';
import type { Series } from './report-series';

export type ClientFeedback = 'score_and_band' | 'none';

/**
 * The questionnaires whose scores the client may see, by tool: the organisation's choice for the tool
 * where it made one, else the tool's own `clientFeedback` (of the newest revision the client answered).
 */
export function clientFeedbackByTool(
  points: { tool_id: string; revision_id: string }[],
  revisions: Map<string, { revision: number; definition: ToolDefinition }>,
  chosen: Map<string, ClientFeedback>,
): Map<string, ClientFeedback> {
  const newest = new Map<string, { revision: number; definition: ToolDefinition }>();
  for (const p of points) {
    const r = revisions.get(p.revision_id);
    const seen = newest.get(p.tool_id);
    if (r && (!seen || r.revision > seen.revision)) newest.set(p.tool_id, r);
  }
  const result = new Map<string, ClientFeedback>();
  for (const [toolId, r] of newest) {
    const own = r.definition.kind === 'questionnaire' ? r.definition.clientFeedback : 'none';
    result.set(toolId, chosen.get(toolId) ?? own);
  }
  return result;
}

/**
 * What the client (and anyone they share their report with) may see of a report: diary values, and
 * questionnaire scores and bands only where the organisation lets clients see them. A questionnaire
 * series the client may not see is left out whole (its points, range and bands). Unknown tools are
 * hidden: the default is not to show.
 */
export function clientVisibleSeries(series: Series[], feedback: Map<string, ClientFeedback>): Series[] {
  return series.filter((s) => s.kind !== 'questionnaire' || feedback.get(s.toolId) === 'score_and_band');
}
