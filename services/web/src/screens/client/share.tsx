import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Checkbox, CheckboxGroup, Form, Label } from 'react-aria-components';
import { api, data } from '../../api/client';
import { useAssignments } from '../../api/queries';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Page, formatDateTime } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

interface ShareView {
  id: string;
  toolIds: string[] | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastOpenedAt: string | null;
  status: string;
}

/**
 * The link of a share: the token goes in the fragment (#…), which the browser never sends to a
 * server, so it is in no access log or Referer; the shared-report page posts it to the API. The
 * organisation's slug (and nothing else) is in the query: any region's gateway sends the link home.
 */
export const shareLink = (token: string, organisation: string) =>
  `${window.location.origin}/shared?organisation=${encodeURIComponent(organisation)}#${token}`;

/** Share my report: choose tools and days, copy the link (shown this once), see and revoke my links. */
export function ShareScreen() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const clientId = me!.id;
  const queryClient = useQueryClient();
  const tools = useAssignments(clientId);
  const [chosen, setChosen] = useState<string[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const shares = useQuery({
    queryKey: ['shares', clientId],
    queryFn: async () =>
      (
        data(
          await api.GET('/api/content/clients/{clientId}/report-shares', { params: { path: { clientId } } }),
        ) as {
          items: ShareView[];
        }
      ).items,
  });
  const create = useMutation({
    mutationFn: async (days: number) =>
      data(
        await api.POST('/api/content/clients/{clientId}/report-shares', {
          params: { path: { clientId } },
          body: { days, ...(chosen.length ? { toolIds: [...new Set(chosen)] } : {}) },
        }),
      ) as { token: string },
    onSuccess: (answer) => {
      setLink(shareLink(answer.token, me!.organisation.slug));
      setCopied(false);
      void queryClient.invalidateQueries({ queryKey: ['shares', clientId] });
    },
  });
  const revoke = useMutation({
    mutationFn: async (shareId: string) =>
      data(
        await api.DELETE('/api/content/clients/{clientId}/report-shares/{shareId}', {
          params: { path: { clientId, shareId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['shares', clientId] }),
  });
  const toolIds = [
    ...new Map((tools.data ?? []).filter((a) => a.kind !== 'module').map((a) => [a.toolId, a.title])),
  ];
  return (
    <Page title={t('share.title')}>
      <p>{t('share.intro')}</p>
      <Form
        className="form card"
        validationErrors={fieldErrors(create.error)}
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(Number(new FormData(e.currentTarget).get('days')));
        }}
      >
        <Problem error={create.error} />
        {toolIds.length > 0 && (
          <CheckboxGroup className="checkbox-group" value={chosen} onChange={setChosen}>
            <Label>{t('share.tools')}</Label>
            {toolIds.map(([id, title]) => (
              <Checkbox key={id} value={id} className="checkbox">
                <span className="checkbox-box" aria-hidden="true" />
                {title}
              </Checkbox>
            ))}
          </CheckboxGroup>
        )}
        <Field name="days" label={t('share.days')} defaultValue="14" isRequired inputMode="numeric" />
        <Button type="submit" isDisabled={create.isPending}>
          {t('share.create')}
        </Button>
      </Form>
      {link && (
        <div className="card notice" role="status">
          <p>{t('share.once')}</p>
          <p>
            <code className="share-link" data-testid="share-link">
              {link}
            </code>
          </p>
          <Button
            onPress={() =>
              void navigator.clipboard?.writeText(link).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? t('share.copied') : t('share.copy')}
          </Button>
        </div>
      )}
      <section aria-labelledby="links-heading">
        <h2 id="links-heading">{t('share.links')}</h2>
        <Problem error={shares.error ?? revoke.error} />
        {(shares.data ?? []).length === 0 ? (
          <p>{t('share.none')}</p>
        ) : (
          <ul className="cards">
            {shares.data!.map((s) => (
              <li key={s.id} className="card">
                <p>
                  {t(`share.status.${s.status}`, { defaultValue: s.status })} ·{' '}
                  {t('share.expires', { date: formatDateTime(s.expiresAt, i18n.language) })}
                </p>
                <p className="muted">
                  {t('share.opened', { date: formatDateTime(s.lastOpenedAt, i18n.language) })}
                </p>
                {s.status === 'active' && (
                  <Button variant="danger" onPress={() => revoke.mutate(s.id)}>
                    {t('share.revoke')}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
