import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog, Heading, Modal } from 'react-aria-components';
import { api } from '../api/client';
import { useSignOut } from './sign-out';
import { Button } from './fields';

/** Identity ends a session after 15 minutes without a request (SESSION_IDLE_TIMEOUT_SECONDS). */
export const IDLE_TIMEOUT_MS = 15 * 60_000;
/** The warning comes this long before: time to read it and choose (WCAG 2.2.1). */
export const IDLE_WARNING_MS = 2 * 60_000;

/**
 * Counts time without input in this tab; before the session would end it asks whether to stay
 * signed in (a request to the API, which refreshes the session) and signs out when time is up.
 */
export function IdleWarning() {
  const { t } = useTranslation();
  const signOut = useSignOut();
  const lastActivity = useRef(Date.now());
  const [remaining, setRemaining] = useState<number | null>(null);
  useEffect(() => {
    const touch = () => {
      if (remaining === null) lastActivity.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'scroll', 'touchstart'] as const;
    events.forEach((e) => window.addEventListener(e, touch, { passive: true }));
    const timer = window.setInterval(() => {
      const idle = Date.now() - lastActivity.current;
      if (idle >= IDLE_TIMEOUT_MS) void signOut('idle');
      else if (idle >= IDLE_TIMEOUT_MS - IDLE_WARNING_MS) setRemaining(IDLE_TIMEOUT_MS - idle);
    }, 1000);
    return () => {
      events.forEach((e) => window.removeEventListener(e, touch));
      window.clearInterval(timer);
    };
  }, [remaining, signOut]);
  const stay = async () => {
    await api.GET('/api/me');
    lastActivity.current = Date.now();
    setRemaining(null);
  };
  return (
    <Modal isOpen={remaining !== null} className="modal" isDismissable={false}>
      <Dialog role="alertdialog" className="dialog">
        <Heading slot="title">{t('idle.title')}</Heading>
        <p>{t('idle.body', { minutes: Math.max(1, Math.ceil((remaining ?? 0) / 60_000)) })}</p>
        <div className="actions">
          <Button onPress={() => void stay()}>{t('idle.stay')}</Button>
          <Button variant="secondary" onPress={() => void signOut()}>
            {t('nav.signOut')}
          </Button>
        </div>
      </Dialog>
    </Modal>
  );
}
