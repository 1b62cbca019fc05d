import { Fragment, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { ClientRecord, useOrganisationClients } from './client-record';
import { RequestCard } from './request-card';
import { downloadExport, useRetentionRequests, type RetentionRequest } from './retention-api';

type Step = 'approve' | 'cancel' | 'hold' | 'resume';

/**
 * The org admins' retention screen: requests waiting for approval (four eyes: never one's own),
 * erasures in their grace period (hold, resume, cancel), finished ones (the erasure certificate, the
 * download of an export one asked for), and one client's record (legal hold, asking for an export).
 */
export function RetentionScreen() {
  const { t } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const requests = useRetentionRequests();
  const clients = useOrganisationClients();
  const names = new Map((clients.data ?? []).map((c) => [c.id, c.displayName ?? t('users.unnamed')]));
  const step = useMutation({
    mutationFn: async ({ id, what }: { id: string; what: Step }) => {
      const params = { params: { path: { requestId: id } } };
      if (what === 'approve')
        return data(await api.POST('/api/retention/requests/{requestId}/approve', params));
      if (what === 'hold') return data(await api.POST('/api/retention/requests/{requestId}/hold', params));
      if (what === 'resume')
        return data(await api.POST('/api/retention/requests/{requestId}/resume', params));
      return data(await api.POST('/api/retention/requests/{requestId}/cancel', params));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['retention-requests'] }),
  });
  const download = useMutation({ mutationFn: downloadExport });
  const [certificateOf, setCertificateOf] = useState<string | null>(null);

  const items = requests.data ?? [];
  const waiting = items.filter((r) => r.state === 'requested');
  const grace = items.filter((r) => r.state === 'pending');
  const others = items.filter((r) => r.state !== 'requested' && r.state !== 'pending');
  const subject = (r: RetentionRequest) =>
    r.clientId ? (names.get(r.clientId) ?? t('users.unnamed')) : t('retention.erased');
  const act = (r: RetentionRequest, what: Step) => step.mutate({ id: r.id, what });

  return (
    <Page title={t('retention.title')}>
      <p>{t('retention.intro')}</p>
      <Problem error={requests.error ?? step.error ?? download.error} />
      {step.isSuccess && (
        <p role="status" className="notice">
          {t('retention.done')}
        </p>
      )}
      {requests.isPending && <Loading />}

      <section aria-labelledby="waiting-heading">
        <h2 id="waiting-heading">{t('retention.waiting')}</h2>
        {requests.isSuccess && waiting.length === 0 && <p>{t('retention.noneWaiting')}</p>}
        <ul className="cards">
          {waiting.map((r) => {
            const own = r.requestedBy === me?.id;
            return (
              <RequestCard key={r.id} request={r} subject={subject(r)}>
                {own ? (
                  <p className="muted">{t('retention.ownRequest')}</p>
                ) : (
                  <Button isDisabled={step.isPending} onPress={() => act(r, 'approve')}>
                    {t('retention.approve')}
                  </Button>
                )}
                <Button variant="danger" isDisabled={step.isPending} onPress={() => act(r, 'cancel')}>
                  {t(own ? 'retention.withdraw' : 'retention.refuse')}
                </Button>
              </RequestCard>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="grace-heading">
        <h2 id="grace-heading">{t('retention.grace')}</h2>
        {requests.isSuccess && grace.length === 0 && <p>{t('retention.noneGrace')}</p>}
        <ul className="cards">
          {grace.map((r) => (
            <RequestCard key={r.id} request={r} subject={subject(r)}>
              {r.onHold ? (
                <Button variant="secondary" isDisabled={step.isPending} onPress={() => act(r, 'resume')}>
                  {t('retention.resume')}
                </Button>
              ) : (
                <Button variant="secondary" isDisabled={step.isPending} onPress={() => act(r, 'hold')}>
                  {t('retention.hold')}
                </Button>
              )}
              <Button variant="danger" isDisabled={step.isPending} onPress={() => act(r, 'cancel')}>
                {t('retention.cancel')}
              </Button>
            </RequestCard>
          ))}
        </ul>
      </section>

      <section aria-labelledby="others-heading">
        <h2 id="others-heading">{t('retention.others')}</h2>
        {requests.isSuccess && others.length === 0 && <p>{t('retention.noneOthers')}</p>}
        <ul className="cards">
          {others.map((r) => (
            <RequestCard key={r.id} request={r} subject={subject(r)}>
              {r.kind === 'erasure' && r.state === 'completed' && (
                <Button variant="secondary" onPress={() => setCertificateOf(r.id)}>
                  {t('retention.certificate')}
                </Button>
              )}
              {r.kind === 'export' && r.state === 'completed' && r.requestedBy === me?.id && (
                <Button isDisabled={download.isPending} onPress={() => download.mutate(r.id)}>
                  {t('retention.download')}
                </Button>
              )}
            </RequestCard>
          ))}
        </ul>
        {download.isSuccess && (
          <p role="status" className="notice">
            {t('myData.downloaded')}
          </p>
        )}
        {certificateOf && <Certificate requestId={certificateOf} />}
      </section>

      <ClientRecord clients={clients.data ?? []} />
    </Page>
  );
}

/** The certificate of a completed erasure: names nobody (the subject by pseudonym only). */
function Certificate({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const certificate = useQuery({
    queryKey: ['retention-certificate', requestId],
    queryFn: async () =>
      data(
        await api.GET('/api/retention/requests/{requestId}/certificate', {
          params: { path: { requestId } },
        }),
      ),
  });
  if (certificate.error) return <Problem error={certificate.error} />;
  if (!certificate.data) return <Loading />;
  const c = certificate.data;
  return (
    <section aria-labelledby="certificate-heading" className="card">
      <h3 id="certificate-heading">{t('retention.certificate')}</h3>
      <dl className="facts">
        <dt>{t('retention.pseudonym')}</dt>
        <dd>
          <code className="secret">{c.subjectPseudonym}</code>
        </dd>
        <dt>{t('retention.completed')}</dt>
        <dd>{formatDateTime(c.completedAt, i18n.language)}</dd>
        {c.participants.map((p) => (
          <Fragment key={p.service}>
            <dt>{p.service}</dt>
            <dd>{formatDateTime(p.confirmedAt, i18n.language)}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
