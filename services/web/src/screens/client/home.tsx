import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Assignment } from '../../api/content-types';
import { useAssignments } from '../../api/queries';
import { useSession } from '../../session';
import { Loading, Page, formatDate } from '../../ui/page';
import { Problem } from '../../ui/problem';

/** Whether a tool asks for something now: a questionnaire that is due, a module not finished. */
export function isDue(a: Assignment, now = Date.now()): boolean {
  const p = a.progress as {
    nextDueAt?: string | null;
    completedSessions?: number;
    totalSessions?: number | null;
  };
  if (a.kind === 'questionnaire') return !!p.nextDueAt && new Date(p.nextDueAt).getTime() <= now;
  if (a.kind === 'module') return (p.completedSessions ?? 0) < (p.totalSessions ?? 0);
  return false;
}

/** The client's home: what is due now, then every tool they have. */
export function ClientHome() {
  const { t } = useTranslation();
  const { me } = useSession();
  const assignments = useAssignments(me?.id);
  const items = assignments.data ?? [];
  const due = items.filter((a) => isDue(a));
  return (
    <Page title={t('home.title', { name: me?.displayName })}>
      <Problem error={assignments.error} />
      {assignments.isPending && <Loading />}
      <section aria-labelledby="due-heading">
        <h2 id="due-heading">{t('home.due')}</h2>
        {due.length === 0 ? <p>{t('home.nothingDue')}</p> : <ToolList items={due} />}
      </section>
      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading">{t('home.tools')}</h2>
        {items.length === 0 && !assignments.isPending ? (
          <p>{t('home.noTools')}</p>
        ) : (
          <ToolList items={items} />
        )}
      </section>
    </Page>
  );
}

function ToolList({ items }: { items: Assignment[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="cards">
      {items.map((a) => {
        const p = a.progress as Record<string, number | string | null>;
        return (
          <li key={a.id} className="card">
            <Link href={`/tools/${a.id}`} className="card-link">
              {a.title}
            </Link>
            <p className="muted">
              {t(`kind.${a.kind}`)} ·{' '}
              {a.kind === 'module'
                ? t('progress.sessions', { done: p.completedSessions, total: p.totalSessions })
                : a.kind === 'diary'
                  ? t('progress.entries', { count: Number(p.entries) })
                  : p.nextDueAt
                    ? t('progress.nextDue', { date: formatDate(String(p.nextDueAt), i18n.language) })
                    : t('progress.responses', { count: Number(p.responses) })}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
