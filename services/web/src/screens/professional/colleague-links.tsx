import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form, Input, Label, Radio, RadioGroup, SearchField } from 'react-aria-components';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';
import { Button, Field } from '../../ui/fields';
import { formatDate } from '../../ui/page';
import { Problem } from '../../ui/problem';

type Entry =
  paths['/api/caseload/clients/{clientId}']['get']['responses']['200']['content']['application/json'];
type Link = NonNullable<Entry['links']>[number];

const PAGE = 10;

/** The end of the chosen day (local time), as the link's end; none: until the link is ended. */
const endOfDay = (day: string): string | undefined =>
  day ? new Date(`${day}T23:59:59`).toISOString() : undefined;

/**
 * A client's colleague links: who else may see the client, until when. The client's own professional
 * (and org admins) can link a colleague of the organisation for a period, and end a link early.
 */
export function ColleagueLinks({
  clientId,
  links,
  canLink,
}: {
  clientId: string;
  links: Link[];
  canLink: boolean;
}) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['caseload-client', clientId] });
  const unlink = useMutation({
    mutationFn: async (linkId: string) =>
      data(
        await api.DELETE('/api/caseload/clients/{clientId}/links/{linkId}', {
          params: { path: { clientId, linkId } },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">{t('links.title')}</h2>
      <Problem error={unlink.error} />
      {links.length === 0 ? (
        <p>{t('links.none')}</p>
      ) : (
        <ul className="cards">
          {links.map((l) => (
            <li key={l.id} className="card">
              <p>
                <strong>{l.colleague.displayName ?? t('users.unnamed')}</strong> ·{' '}
                {l.validUntil
                  ? t('links.until', { date: formatDate(l.validUntil, i18n.language) })
                  : t('links.open')}
              </p>
              {canLink && (
                <Button variant="danger" onPress={() => unlink.mutate(l.id)} isDisabled={unlink.isPending}>
                  {t('links.end', { name: l.colleague.displayName ?? t('users.unnamed') })}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canLink && <LinkColleague clientId={clientId} onLinked={refresh} />}
    </section>
  );
}

function LinkColleague({ clientId, onLinked }: { clientId: string; onLinked: () => Promise<void> }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [colleagueId, setColleagueId] = useState('');
  const colleagues = useQuery({
    queryKey: ['colleagues', q],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      data(
        await api.GET('/api/caseload/colleagues', {
          params: { query: { ...(q.trim() ? { q: q.trim() } : {}), limit: PAGE } },
        }),
      ),
  });
  const link = useMutation({
    mutationFn: async (body: { colleagueId: string; validUntil?: string }) =>
      data(
        await api.POST('/api/caseload/clients/{clientId}/links', { params: { path: { clientId } }, body }),
      ),
    onSuccess: async () => {
      setColleagueId('');
      await onLinked();
    },
  });
  const items = colleagues.data?.items ?? [];
  return (
    <Form
      className="form card"
      aria-labelledby="link-heading"
      onSubmit={(e) => {
        e.preventDefault();
        const until = String(new FormData(e.currentTarget).get('until') ?? '');
        link.mutate({ colleagueId, ...(until ? { validUntil: endOfDay(until) } : {}) });
      }}
    >
      <h3 id="link-heading">{t('links.add')}</h3>
      <Problem error={colleagues.error ?? link.error} />
      {link.isSuccess && (
        <p role="status" className="notice">
          {t('links.added')}
        </p>
      )}
      <SearchField className="field" value={q} onChange={setQ}>
        <Label>{t('links.search')}</Label>
        <Input />
      </SearchField>
      {items.length === 0 && !colleagues.isPending ? (
        <p>{t('links.noColleagues')}</p>
      ) : (
        <RadioGroup value={colleagueId} onChange={setColleagueId} className="radio-group" isRequired>
          <Label>{t('links.colleague')}</Label>
          {items.map((c) => (
            <Radio key={c.id} value={c.id} className="radio">
              {c.displayName ?? t('users.unnamed')}
            </Radio>
          ))}
        </RadioGroup>
      )}
      {(colleagues.data?.total ?? 0) > items.length && (
        <p className="muted">{t('links.more', { count: colleagues.data!.total - items.length })}</p>
      )}
      <Field name="until" type="date" label={t('links.untilLabel')} description={t('links.untilHelp')} />
      <Button type="submit" isDisabled={!colleagueId || link.isPending}>
        {t('links.submit')}
      </Button>
    </Form>
  );
}
