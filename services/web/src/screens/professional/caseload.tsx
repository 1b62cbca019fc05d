import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  SearchField,
  Input,
  Select,
  SelectValue,
  Button as AriaButton,
} from 'react-aria-components';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { Button } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';

const PAGE = 20;
type Sort = 'lastActivity' | 'name';

export function useOpenFlags() {
  return useQuery({
    queryKey: ['flags'],
    queryFn: async () => data(await api.GET('/api/content/flags')).items,
  });
}

/** My caseload: search by name, sort by last activity or name, a page at a time; open flags per client. */
export function CaseloadScreen() {
  const { t, i18n } = useTranslation();
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<Sort>('lastActivity');
  const [offset, setOffset] = useState(0);
  const clients = useQuery({
    queryKey: ['caseload', q, sort, offset],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      data(
        await api.GET('/api/caseload/clients', {
          params: {
            query: {
              ...(q ? { q } : {}),
              sort,
              order: sort === 'name' ? 'asc' : 'desc',
              limit: PAGE,
              offset,
              status: 'active',
            },
          },
        }),
      ),
  });
  const flags = useOpenFlags();
  const flagsOf = (clientId: string) => (flags.data ?? []).filter((f) => f.clientId === clientId).length;
  const total = clients.data?.total ?? 0;
  return (
    <Page title={t('caseload.title')}>
      <div className="toolbar">
        <SearchField
          className="field"
          value={q}
          onChange={(v) => {
            setQ(v);
            setOffset(0);
          }}
        >
          <Label>{t('caseload.search')}</Label>
          <Input />
        </SearchField>
        <Select
          className="field"
          selectedKey={sort}
          onSelectionChange={(k) => {
            setSort(k as Sort);
            setOffset(0);
          }}
        >
          <Label>{t('caseload.sort')}</Label>
          <AriaButton className="button button-secondary select-button">
            <SelectValue />
            <span aria-hidden="true"> ▾</span>
          </AriaButton>
          <Popover className="popover">
            <ListBox className="listbox">
              <ListBoxItem id="lastActivity" className="listbox-item">
                {t('caseload.byActivity')}
              </ListBoxItem>
              <ListBoxItem id="name" className="listbox-item">
                {t('caseload.byName')}
              </ListBoxItem>
            </ListBox>
          </Popover>
        </Select>
      </div>
      <Problem error={clients.error ?? flags.error} />
      {clients.isPending && <Loading />}
      {clients.data && (
        <>
          <p role="status" className="muted">
            {t('caseload.count', { count: total })}
          </p>
          <table className="table">
            <caption className="visually-hidden">{t('caseload.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('caseload.client')}</th>
                <th scope="col">{t('caseload.lastActivity')}</th>
                <th scope="col">{t('caseload.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {clients.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/clients/${c.id}`}>{c.displayName ?? t('messages.someone')}</Link>
                  </td>
                  <td>{formatDateTime(c.lastActivityAt, i18n.language)}</td>
                  <td>
                    {flagsOf(c.id) > 0 ? (
                      <span className="flag">{t('caseload.openFlags', { count: flagsOf(c.id) })}</span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label={t('caseload.paging')} className="actions">
            <Button
              variant="secondary"
              isDisabled={offset === 0}
              onPress={() => setOffset(Math.max(0, offset - PAGE))}
            >
              {t('caseload.previous')}
            </Button>
            <span className="muted">
              {t('caseload.range', {
                from: total ? offset + 1 : 0,
                to: Math.min(offset + PAGE, total),
                total,
              })}
            </span>
            <Button
              variant="secondary"
              isDisabled={offset + PAGE >= total}
              onPress={() => setOffset(offset + PAGE)}
            >
              {t('caseload.next')}
            </Button>
          </nav>
        </>
      )}
    </Page>
  );
}
