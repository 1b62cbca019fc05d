import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api } from '../api/client';
import { useSession } from '../session';
import { Button } from './fields';

export function useSignOut() {
  const { signedOut } = useSession();
  const [, navigate] = useLocation();
  return async (reason?: 'idle') => {
    // Whatever the answer (the session may already have ended), nothing of it stays in this tab.
    await api.POST('/api/auth/logout').catch(() => undefined);
    signedOut();
    navigate(reason === 'idle' ? '/login?ended=idle' : '/login', { replace: true });
  };
}

export function SignOutButton() {
  const { t } = useTranslation();
  const signOut = useSignOut();
  return (
    <Button variant="secondary" onPress={() => void signOut()}>
      {t('nav.signOut')}
    </Button>
  );
}
