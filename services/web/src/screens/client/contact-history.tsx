import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';

/** audit's contact-history item (its answer is not described in the API document). */
interface Contact {
  at: string;
  action: string;
  data: string;
  outsideCareTeam: boolean;
  by: { name: string | null; role: string | null };
}

/** Who saw or did what with my data (audit's contact history), and the way to my data requests. */
export function ContactHistoryScreen() {
  const { t, i18n } = useTranslation();
  const history = useQuery({
    queryKey: ['contact-history'],
    queryFn: async () =>
      data(
        await api.GET('/api/audit/me/contact-history', { params: { query: { limit: 50 } } }),
      ) as unknown as {
        items: Contact[];
      },
  });
  return (
    <Page title={t('history.title')}>
      <p>{t('history.intro')}</p>
      <Problem error={history.error} />
      {history.isPending && <Loading />}
      {history.data && history.data.items.length === 0 && <p>{t('history.empty')}</p>}
      {history.data && history.data.items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">{t('history.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('trend.when')}</th>
              <th scope="col">{t('history.who')}</th>
              <th scope="col">{t('history.what')}</th>
            </tr>
          </thead>
          <tbody>
            {history.data.items.map((c, i) => (
              <tr key={i}>
                <td>{formatDateTime(c.at, i18n.language)}</td>
                <td>
                  {c.by.name ?? t(`roles.${c.by.role ?? 'unknown'}`, { defaultValue: '—' })}
                  {c.outsideCareTeam ? ` (${t('history.outside')})` : ''}
                </td>
                <td>{t(`audit.${c.action}`, { defaultValue: c.action })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="retention-heading" className="card">
        <h2 id="retention-heading">{t('history.retentionTitle')}</h2>
        <p>
          <Link href="/my-data">{t('history.retentionLink')}</Link>
        </p>
      </section>
    </Page>
  );
}
