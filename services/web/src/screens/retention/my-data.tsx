import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { Button } from '../../ui/fields';
import { Loading, Page } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { Reauthenticate } from '../auth/reauthenticate';
import { RequestCard } from './request-card';
import { downloadExport, isOpen, useRetentionRequests } from './retention-api';

/**
 * A client's own data (GDPR art. 15, 17, 20): an export (after signing in again, as retention requires
 * within 5 minutes of a sign-in), downloaded once through its single-use link; erasure, which the
 * organisation approves (four eyes) and may refuse while the statutory period runs; and my requests.
 */
export function MyDataScreen() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const requests = useRetentionRequests();
  const [confirming, setConfirming] = useState<'export' | 'erasure' | null>(null);
  const ask = useMutation({
    mutationFn: async (kind: 'export' | 'erasure') =>
      data(await api.POST('/api/retention/requests', { body: { kind } })),
    onSuccess: () => {
      setConfirming(null);
      return queryClient.invalidateQueries({ queryKey: ['retention-requests'] });
    },
  });
  const download = useMutation({ mutationFn: downloadExport });
  const items = requests.data ?? [];
  const open = items.filter(isOpen);
  const past = items.filter((r) => !isOpen(r));

  return (
    <Page title={t('myData.title')}>
      <p>{t('myData.intro')}</p>
      <Problem error={requests.error ?? ask.error ?? download.error} />
      {ask.isSuccess && (
        <p role="status" className="notice">
          {t(ask.data.kind === 'export' ? 'myData.exportAsked' : 'myData.erasureAsked')}
        </p>
      )}
      {download.isSuccess && (
        <p role="status" className="notice">
          {t('myData.downloaded')}
        </p>
      )}

      <section aria-labelledby="export-heading" className="card">
        <h2 id="export-heading">{t('myData.exportTitle')}</h2>
        <p>{t('myData.exportIntro')}</p>
        {confirming === 'export' ? (
          <Reauthenticate
            intro={t('myData.exportReauth')}
            submitLabel={t('myData.exportConfirm')}
            onDone={async () => {
              await ask.mutateAsync('export');
            }}
            onCancel={() => setConfirming(null)}
          />
        ) : (
          <Button onPress={() => setConfirming('export')}>{t('myData.exportAsk')}</Button>
        )}
      </section>

      <section aria-labelledby="erasure-heading" className="card">
        <h2 id="erasure-heading">{t('myData.erasureTitle')}</h2>
        <p>{t('myData.erasureIntro')}</p>
        {confirming === 'erasure' ? (
          <div className="actions" role="group" aria-label={t('myData.erasureTitle')}>
            <p>{t('myData.erasureSure')}</p>
            <Button variant="danger" isDisabled={ask.isPending} onPress={() => ask.mutate('erasure')}>
              {t('myData.erasureConfirm')}
            </Button>
            <Button variant="secondary" onPress={() => setConfirming(null)}>
              {t('common.cancel')}
            </Button>
          </div>
        ) : (
          <Button variant="danger" onPress={() => setConfirming('erasure')}>
            {t('myData.erasureAsk')}
          </Button>
        )}
      </section>

      <section aria-labelledby="requests-heading">
        <h2 id="requests-heading">{t('myData.requests')}</h2>
        {requests.isPending && <Loading />}
        {requests.isSuccess && items.length === 0 && <p>{t('myData.none')}</p>}
        <ul className="cards">
          {[...open, ...past].map((r) => (
            <RequestCard key={r.id} request={r}>
              {r.kind === 'export' && r.state === 'completed' && (
                <Button isDisabled={download.isPending} onPress={() => download.mutate(r.id)}>
                  {t('retention.download')}
                </Button>
              )}
            </RequestCard>
          ))}
        </ul>
      </section>
    </Page>
  );
}
