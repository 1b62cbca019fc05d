import { useEffect, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import type { Report } from '../../api/content-types';
import { TrendChart } from '../../charts/trend-chart';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { organisationFromLink } from '../auth/token-from-link';

/** A report opened from a share link by someone without an account: the fragment's token is the key. */
export function SharedReportScreen() {
  const { t, i18n } = useTranslation();
  const [token] = useState(() => window.location.hash.slice(1));
  const open = useMutation({
    mutationFn: async () =>
      data(
        await api.POST('/api/shared-reports/open', { body: { token, ...organisationFromLink() } }),
      ) as unknown as Report,
  });
  const { mutate } = open;
  useEffect(() => {
    if (token) mutate();
  }, [token, mutate]);
  return (
    <Page title={t('shared.title')}>
      {!token && <p role="alert">{t('shared.noToken')}</p>}
      {open.isPending && <Loading />}
      <Problem error={open.error} />
      {open.data && (
        <>
          <p className="muted">
            {t('shared.until', { date: formatDateTime(open.data.expiresAt, i18n.language) })}
          </p>
          {open.data.series.length === 0 ? (
            <p>{t('trend.empty')}</p>
          ) : (
            open.data.series.map((s) => <TrendChart key={`${s.toolId}|${s.measure}`} series={s} />)
          )}
        </>
      )}
    </Page>
  );
}
