import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** The message a person reads for an error: what happened, in their language, and what the API said. */
export function Problem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  let headline = t('errors.network');
  let detail: string | undefined;
  if (error instanceof ApiError) {
    const byCode = error.code ? t(`errors.code.${error.code}`, { defaultValue: '' }) : '';
    headline = byCode || t(`errors.status.${error.status}`, { defaultValue: t('errors.generic') });
    detail = error.detail;
  }
  return (
    <div className="problem" role="alert">
      <p className="problem-headline">{headline}</p>
      {detail && <p className="problem-detail">{detail}</p>}
      {error instanceof ApiError && error.errors.length > 0 && (
        <ul>
          {error.errors.map((e) => (
            <li key={e.path}>
              {e.path ? `${e.path}: ` : ''}
              {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The API's field-level errors, keyed by field, for a react-aria Form's validationErrors. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.errors.map((e) => [e.path, e.message]));
}
