import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import type { Assignment } from '../../api/content-types';
import { useAssignments, useReport, useWork } from '../../api/queries';
import { TrendChart } from '../../charts/trend-chart';
import { Button, Field } from '../../ui/fields';
import { Loading, Page, formatDateTime } from '../../ui/page';
import { Problem } from '../../ui/problem';
import { AssignTool } from './assign-tool';
import { ColleagueLinks } from './colleague-links';
import { useSession } from '../../session';
import { shown } from '../client/diary';

/** A client of my caseload: tools and progress, answers and diary entries, trends, flags, feedback. */
export function ClientScreen({ params }: { params: { clientId: string } }) {
  const { t } = useTranslation();
  const { clientId } = params;
  const [, navigate] = useLocation();
  const { me } = useSession();
  const client = useQuery({
    queryKey: ['caseload-client', clientId],
    queryFn: async () =>
      data(await api.GET('/api/caseload/clients/{clientId}', { params: { path: { clientId } } })),
  });
  const assignments = useAssignments(clientId);
  const report = useReport(clientId);
  const message = useMutation({
    mutationFn: async () => data(await api.POST('/api/messaging/conversations', { body: { clientId } })),
    onSuccess: (c) => navigate(`/messages/${c.id}`),
  });
  if (client.isPending) return <Loading />;
  if (client.error) return <Problem error={client.error} />;
  const name = client.data.client.displayName ?? t('messages.someone');
  return (
    <Page
      title={name}
      actions={
        <Button variant="secondary" onPress={() => message.mutate()} isDisabled={message.isPending}>
          {t('client.message')}
        </Button>
      }
    >
      <Problem error={message.error} />
      <p className="muted">
        {t('caseload.lastActivity')}: {formatDateTime(client.data.client.lastActivityAt, 'default')}
      </p>
      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading">{t('client.tools')}</h2>
        <Problem error={assignments.error} />
        {(assignments.data ?? []).length === 0 && !assignments.isPending && <p>{t('home.noTools')}</p>}
        {(assignments.data ?? []).map((a) => (
          <AssignmentDetail key={a.id} assignment={a} />
        ))}
      </section>
      <section aria-labelledby="trends-heading">
        <h2 id="trends-heading">{t('trend.title')}</h2>
        <Problem error={report.error} />
        {(report.data?.series ?? []).length === 0 ? (
          <p>{t('trend.empty')}</p>
        ) : (
          report.data!.series.map((s) => <TrendChart key={`${s.toolId}|${s.measure}`} series={s} />)
        )}
      </section>
      <AssignTool clientId={clientId} />
      {client.data.links && (
        <ColleagueLinks
          clientId={clientId}
          links={client.data.links}
          // Linking is for the client's own professional (and org admins); a linked colleague cannot pass it on.
          canLink={
            me?.role === 'org_admin' ||
            client.data.professionals.some((p) => p.id === me?.id && p.relation === 'assignment')
          }
        />
      )}
    </Page>
  );
}

function AssignmentDetail({ assignment: a }: { assignment: Assignment }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const work = useWork(a.id);
  const acknowledge = useMutation({
    mutationFn: async (flagId: string) =>
      data(await api.POST('/api/content/flags/{flagId}/acknowledge', { params: { path: { flagId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['work', a.id] });
      await queryClient.invalidateQueries({ queryKey: ['flags'] });
    },
  });
  const feedback = useMutation({
    mutationFn: async (body: { sessionKey: string; text: string }) =>
      data(
        await api.POST('/api/content/assignments/{assignmentId}/feedback', {
          params: { path: { assignmentId: a.id } },
          body,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['work', a.id] }),
  });
  const w = work.data;
  const openFlags = (w?.flags ?? []).filter((f) => !f.acknowledgedAt);
  return (
    <article className="card" aria-labelledby={`a-${a.id}`}>
      <h3 id={`a-${a.id}`}>
        {a.title} <span className="muted">({t(`kind.${a.kind}`)})</span>
      </h3>
      <Problem error={work.error ?? acknowledge.error} />
      {openFlags.map((f) => (
        <div key={f.id} className="flag-box" role="note">
          <p>
            <strong>{t('client.flag')}</strong> {t(`flags.${f.code}`, { defaultValue: f.code })} ·{' '}
            {formatDateTime(f.raisedAt, i18n.language)}
          </p>
          <Button
            variant="secondary"
            onPress={() => acknowledge.mutate(f.id)}
            isDisabled={acknowledge.isPending}
          >
            {t('client.acknowledge')}
          </Button>
        </div>
      ))}
      {w?.kind === 'questionnaire' && (
        <ul>
          {(w.responses ?? []).map((r) => (
            <li key={r.id}>
              {formatDateTime(r.submittedAt, i18n.language)}:{' '}
              {r.score ? t('questionnaire.score', { total: r.score.total, band: r.score.band ?? '' }) : ''}
            </li>
          ))}
        </ul>
      )}
      {w?.kind === 'diary' && (
        <ul>
          {(w.entries ?? []).slice(0, 10).map((e) => (
            <li key={e.id}>
              {formatDateTime(e.recordedAt, i18n.language)}:{' '}
              {(w.content.fields ?? [])
                .filter((f) => e.values[f.key] !== undefined)
                .map((f) => `${f.label} ${shown(f, e.values[f.key])}`)
                .join(' · ')}
            </li>
          ))}
        </ul>
      )}
      {w?.kind === 'module' && (
        <>
          <p className="muted">
            {t('progress.sessions', {
              done: (a.progress as { completedSessions: number }).completedSessions,
              total: (a.progress as { totalSessions: number | null }).totalSessions,
            })}
          </p>
          {(w.answers ?? []).length > 0 && (
            <details>
              <summary>{t('client.answers')}</summary>
              <ul>
                {w.answers!.map((x) => (
                  <li key={`${x.sessionKey}/${x.pageKey}/${x.blockKey}`}>
                    {x.sessionKey} · {x.blockKey}: {String(x.value)}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {(w.content.sessions ?? []).length > 0 && (
            <Form
              className="form"
              onSubmit={(e) => {
                e.preventDefault();
                const form = e.currentTarget;
                const text = String(new FormData(form).get('text') ?? '');
                const sessionKey = w.position?.sessionKey ?? w.content.sessions![0]!.key;
                feedback.mutate({ sessionKey, text }, { onSuccess: () => form.reset() });
              }}
            >
              <Problem error={feedback.error} />
              <Field name="text" label={t('client.feedback')} multiline isRequired />
              <Button type="submit" variant="secondary" isDisabled={feedback.isPending}>
                {t('client.sendFeedback')}
              </Button>
            </Form>
          )}
        </>
      )}
    </article>
  );
}
