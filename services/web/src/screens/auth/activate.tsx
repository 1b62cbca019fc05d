import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { PasswordFromLink } from './password-from-link';
import { useTokenFromLink } from './token-from-link';

/** The invitation mail's link: choose a password and the account is active. */
export function ActivateScreen() {
  const { t } = useTranslation();
  const token = useTokenFromLink();
  return (
    <PasswordFromLink
      token={token}
      save={async (body) => data(await api.POST('/api/auth/activate', { body }))}
      text={{
        title: t('activate.title'),
        submit: t('activate.submit'),
        doneTitle: t('activate.doneTitle'),
        done: t('activate.done'),
      }}
      notice={!token && <p role="alert">{t('activate.noToken')}</p>}
    />
  );
}
