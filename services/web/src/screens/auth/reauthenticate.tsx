import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session';
import { Button } from '../../ui/fields';
import { CodeForm, PasswordForm, useSignIn } from './sign-in-forms';

/**
 * Signing in again as the person already signed in (password, then the second factor when they have
 * one): the fresh sign-in some steps require (a client's export of their own data). It is the ordinary
 * login with the same forms, not a second credential path; the new session replaces the browser's
 * cookie, and the gateway ends the session it replaces.
 */
export function Reauthenticate({
  intro,
  submitLabel,
  onDone,
  onCancel,
}: {
  intro: string;
  submitLabel: string;
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { me } = useSession();
  const [challenge, setChallenge] = useState<string | null>(null);
  const [enrolFirst, setEnrolFirst] = useState(false);
  const signIn = useSignIn({
    onSignedIn: () => onDone(),
    // A second factor due but not set up yet: that happens at an ordinary sign-in, not here.
    onChallenge: (c) => (c.enrolmentRequired ? setEnrolFirst(true) : setChallenge(c.challenge)),
  });
  if (!me) return null;
  const common = {
    error: signIn.error,
    busy: signIn.busy,
    className: 'form card',
    'aria-label': t('reauth.label'),
    actions: (
      <Button variant="secondary" onPress={onCancel}>
        {t('common.cancel')}
      </Button>
    ),
  };
  return (
    <>
      {enrolFirst && (
        <p className="problem" role="alert">
          {t('reauth.enrolFirst')}
        </p>
      )}
      {challenge ? (
        <CodeForm
          {...common}
          intro={t('reauth.codeIntro')}
          description={t('login.codeHelp')}
          submitLabel={t('login.verify')}
          onSubmit={(code) => void signIn.code(challenge, code)}
        />
      ) : (
        <PasswordForm
          {...common}
          intro={intro}
          submitLabel={submitLabel}
          account={{ organisation: me.organisation.slug, email: me.email }}
          onSubmit={(body) => void signIn.password(body)}
        />
      )}
    </>
  );
}
