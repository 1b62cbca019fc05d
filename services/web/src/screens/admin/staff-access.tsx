import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { Button } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';

/** Platform staff asking for access to this organisation: approve or deny, revoke an active grant. */
export function StaffAccessScreen() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const grants = useQuery({
    queryKey: ['staff-grants'],
    queryFn: async () => data(await api.GET('/api/staff-access/grants')).items,
  });
  const decide = useMutation({
    mutationFn: async ({ id, what }: { id: string; what: 'approve' | 'deny' | 'revoke' }) => {
      const params = { params: { path: { id } } };
      if (what === 'approve') return data(await api.POST('/api/staff-access/grants/{id}/approve', params));
      if (what === 'deny') return data(await api.POST('/api/staff-access/grants/{id}/deny', params));
      return data(await api.POST('/api/staff-access/grants/{id}/revoke', params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['staff-grants'] }),
  });
  return (
    <Page title={t('staff.title')}>
      <p>{t('staff.intro')}</p>
      <Problem error={grants.error ?? decide.error} />
      {grants.isPending && <Loading />}
      {grants.data?.length === 0 && <p>{t('staff.none')}</p>}
      <ul className="cards">
        {(grants.data ?? []).map((g) => (
          <li key={g.id} className="card">
            <p>
              <strong>{t(`staff.status.${g.status}`)}</strong> ·{' '}
              {formatDateTime(g.requestedAt, i18n.language)} ·{' '}
              {t('staff.minutes', { count: g.durationMinutes })}
            </p>
            <p>{g.reason}</p>
            <div className="actions">
              {g.status === 'requested' && (
                <>
                  <Button onPress={() => decide.mutate({ id: g.id, what: 'approve' })}>
                    {t('staff.approve')}
                  </Button>
                  <Button variant="danger" onPress={() => decide.mutate({ id: g.id, what: 'deny' })}>
                    {t('staff.deny')}
                  </Button>
                </>
              )}
              {g.status === 'approved' && g.active && (
                <Button variant="danger" onPress={() => decide.mutate({ id: g.id, what: 'revoke' })}>
                  {t('staff.revoke')}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Page>
  );
}
