import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/fields';

const SLUG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Single sign-on with the organisation's own account. The API tells whether the organisation has it:
 * its start route answers a redirect to the provider (303) or 404. Asked without following the
 * redirect first, so a person whose organisation has none reads a sentence here, not an error page;
 * then the browser goes through the start route itself (a new attempt, its binding cookie replacing
 * the first one's).
 */
export function SsoButton({ organisationField }: { organisationField: RefObject<HTMLFormElement | null> }) {
  const { t } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    const form = organisationField.current;
    const slug = String((form && new FormData(form).get('organisation')) ?? '')
      .trim()
      .toLowerCase();
    if (!SLUG.test(slug)) return setMessage(t('sso.enterOrganisation'));
    setBusy(true);
    setMessage(null);
    try {
      const url = `/api/auth/sso/${encodeURIComponent(slug)}/start`;
      const answer = await fetch(url, { redirect: 'manual', credentials: 'same-origin' });
      if (answer.type === 'opaqueredirect') return window.location.assign(url);
      setMessage(
        answer.status === 404
          ? t('sso.none')
          : t(`errors.status.${answer.status}`, { defaultValue: t('errors.generic') }),
      );
    } catch {
      setMessage(t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="sso">
      {message && (
        <p className="problem" role="alert">
          {message}
        </p>
      )}
      <Button variant="secondary" isDisabled={busy} onPress={() => void start()}>
        {t('sso.signIn')}
      </Button>
    </div>
  );
}
