import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { Loading, Page } from '../../ui/page';
import { Problem } from '../../ui/problem';

/** content's usage counts (GET /api/content/usage; the route documents no answer schema). */
interface Usage {
  minimumCell: number;
  tools: {
    toolId: string;
    kind: 'module' | 'diary' | 'questionnaire';
    title: string;
    assigned: number | null;
    sessionsCompleted?: number | null;
    responses?: number | null;
  }[];
}

/**
 * The organisation's tools and how much they are used: anonymous counts only, any count under the
 * minimum cell withheld (shown as "fewer than N") so no small group of clients can be singled out.
 */
export function UsageScreen() {
  const { t } = useTranslation();
  const usage = useQuery({
    queryKey: ['usage'],
    queryFn: async () =>
      data(await api.GET('/api/content/usage', { params: { query: { scope: 'organisation' } } })) as Usage,
  });
  const u = usage.data;
  const count = (n: number | null | undefined) =>
    n === undefined ? '—' : n === null ? t('usage.fewer', { count: u!.minimumCell }) : String(n);
  return (
    <Page title={t('usage.title')}>
      <p>{t('usage.intro')}</p>
      <Problem error={usage.error} />
      {usage.isPending && <Loading />}
      {u && (
        <table className="table">
          <caption className="visually-hidden">{t('usage.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('usage.tool')}</th>
              <th scope="col">{t('usage.assigned')}</th>
              <th scope="col">{t('usage.sessions')}</th>
              <th scope="col">{t('usage.responses')}</th>
            </tr>
          </thead>
          <tbody>
            {u.tools.map((tool) => (
              <tr key={tool.toolId}>
                <th scope="row">
                  {tool.title} <span className="muted">({t(`kind.${tool.kind}`)})</span>
                </th>
                <td>{count(tool.assigned)}</td>
                <td>{count(tool.sessionsCompleted)}</td>
                <td>{count(tool.responses)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
