import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  Button as AriaButton,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import { api, data } from '../../api/client';
import { Button } from '../../ui/fields';
import { Loading, Page } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { InviteForm } from '../professional/invite';

/**
 * The organisation's people: invite, resend an invitation, deactivate, reactivate, and put a client
 * in a professional's caseload. Identity lists accounts (role and status); names come from caseload.
 */
export function UsersScreen() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: async () => data(await api.GET('/api/users', { params: { query: { limit: 100, offset: 0 } } })),
  });
  const professionals = useQuery({
    queryKey: ['professionals'],
    queryFn: async () => data(await api.GET('/api/caseload/professionals')).items,
  });
  const clients = useQuery({
    queryKey: ['all-clients'],
    queryFn: async () =>
      data(
        await api.GET('/api/caseload/clients', {
          params: { query: { limit: 100, sort: 'name', order: 'asc' } },
        }),
      ),
  });
  const names = new Map<string, string | null>([
    ...(professionals.data ?? []).map((p) => [p.id, p.displayName] as const),
    ...(clients.data?.items ?? []).map((c) => [c.id, c.displayName] as const),
  ]);
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['users'] });
    await queryClient.invalidateQueries({ queryKey: ['professionals'] });
    await queryClient.invalidateQueries({ queryKey: ['all-clients'] });
  };
  const action = useMutation({
    mutationFn: async ({ id, what }: { id: string; what: 'deactivate' | 'reactivate' | 'resend' }) => {
      const params = { params: { path: { id } } };
      if (what === 'deactivate') return data(await api.POST('/api/users/{id}/deactivate', params));
      if (what === 'reactivate') return data(await api.POST('/api/users/{id}/reactivate', params));
      return data(await api.POST('/api/users/{id}/invitation', params));
    },
    onSuccess: refresh,
  });
  const assign = useMutation({
    mutationFn: async (body: { clientId: string; professionalId: string }) =>
      data(await api.POST('/api/caseload/assignments', { body })),
    onSuccess: refresh,
  });
  return (
    <Page title={t('users.title')}>
      {users.data && (
        <p className="muted">
          {t('users.seatsOf', { used: users.data.seats.used, total: users.data.seats.total })}
        </p>
      )}
      <section aria-labelledby="invite-heading">
        <h2 id="invite-heading">{t('invite.title')}</h2>
        <InviteForm />
      </section>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading">{t('users.people')}</h2>
        <Problem error={users.error ?? action.error ?? assign.error} />
        {(action.isSuccess || assign.isSuccess) && (
          <p role="status" className="notice">
            {t('users.done')}
          </p>
        )}
        {users.isPending && <Loading />}
        <ul className="cards">
          {(users.data?.items ?? [])
            .filter((u) => u.role === 'professional' || u.role === 'client')
            .map((u) => (
              <li key={u.id} className="card">
                <p>
                  <strong>{names.get(u.id) ?? t('users.unnamed')}</strong> · {t(`roles.${u.role}`)} ·{' '}
                  {t(`status.${u.status}`)}
                </p>
                <div className="actions">
                  {u.status === 'invited' && (
                    <Button variant="secondary" onPress={() => action.mutate({ id: u.id, what: 'resend' })}>
                      {t('users.resend')}
                    </Button>
                  )}
                  {u.status === 'deactivated' ? (
                    <Button
                      variant="secondary"
                      onPress={() => action.mutate({ id: u.id, what: 'reactivate' })}
                    >
                      {t('users.reactivate')}
                    </Button>
                  ) : (
                    <Button variant="danger" onPress={() => action.mutate({ id: u.id, what: 'deactivate' })}>
                      {t('users.deactivate')}
                    </Button>
                  )}
                  {u.role === 'client' && u.status !== 'deactivated' && (
                    <Select
                      className="field inline"
                      placeholder={t('users.choose')}
                      onSelectionChange={(k) => assign.mutate({ clientId: u.id, professionalId: String(k) })}
                    >
                      <Label>{t('users.assignTo')}</Label>
                      <AriaButton className="button button-secondary select-button">
                        <SelectValue />
                        <span aria-hidden="true"> ▾</span>
                      </AriaButton>
                      <Popover className="popover">
                        <ListBox
                          className="listbox"
                          items={(professionals.data ?? []).filter((p) => p.status === 'active')}
                        >
                          {(p) => (
                            <ListBoxItem id={p.id} className="listbox-item" textValue={p.displayName ?? p.id}>
                              {p.displayName ?? t('users.unnamed')}
                            </ListBoxItem>
                          )}
                        </ListBox>
                      </Popover>
                    </Select>
                  )}
                </div>
              </li>
            ))}
        </ul>
      </section>
    </Page>
  );
}
