import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { Button } from '../../ui/fields';

const SLUG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Single sign-on with the organisation's own account. The API says whether the organisation has it
 * (GET …/available: nothing recorded, no provider asked); only then does the browser go through the
 * start route, which records the attempt and sends it to the provider. An organisation of another
 * region (421) is started there: the browser's navigation is sent on to its home region. A refused
 * step comes back to the login page as `?sso=<code>` (see LoginScreen).
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
    const startUrl = `/api/auth/sso/${encodeURIComponent(slug)}/start`;
    try {
      const answer = await api.GET('/api/auth/sso/{tenantSlug}/available', {
        params: { path: { tenantSlug: slug } },
      });
      if (answer.data?.available) return window.location.assign(startUrl);
      setMessage(t('sso.none'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 421) return window.location.assign(startUrl);
      setMessage(
        err instanceof ApiError
          ? t(`errors.status.${err.status}`, { defaultValue: t('errors.generic') })
          : t('errors.network'),
      );
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
