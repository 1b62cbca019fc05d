import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../../ui/page';
import type { RetentionRequest } from './retention-api';

/** One erasure or export request: what, for whom, where it stands, and the actions the screen offers. */
export function RequestCard({
  request: r,
  subject,
  children,
}: {
  request: RetentionRequest;
  /** Whose data (an org admin's screens); left out on the client's own. */
  subject?: string;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <li className="card" data-testid="retention-request">
      <p>
        <strong>{t(`retention.kind.${r.kind}`)}</strong>
        {subject && <> · {subject}</>} · {t(`retention.state.${r.state}`)}
        {r.onHold && <> · {t('retention.onHold')}</>}
        {r.stuck && <> · {t('retention.stuck')}</>}
      </p>
      <p className="muted">
        {t('retention.requestedAt', { when: formatDateTime(r.requestedAt, lng) })}
        {r.reason === 'retention_expired' && <> · {t('retention.reasonExpired')}</>}
      </p>
      {r.state === 'pending' && r.runsAt && (
        <p>{t('retention.runsAt', { when: formatDateTime(r.runsAt, lng) })}</p>
      )}
      {r.state === 'refused' && r.possibleFrom && (
        <p>{t('retention.possibleFrom', { when: formatDate(r.possibleFrom, lng) })}</p>
      )}
      {r.completedAt && <p>{t('retention.completedAt', { when: formatDateTime(r.completedAt, lng) })}</p>}
      {children && <div className="actions">{children}</div>}
    </li>
  );
}
