import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Problem, fieldErrors } from '../../ui/problem';

const formValues = (e: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

/**
 * Signing in again as the person already signed in (password, then the second factor when they have
 * one): the fresh sign-in some steps require (a client's export of their own data). It is the ordinary
 * login, not a second credential path; the new session replaces the browser's cookie.
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
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [enrolFirst, setEnrolFirst] = useState(false);
  if (!me) return null;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { password, code } = formValues(e);
    void run(async () => {
      if (challenge) {
        data(
          await api.POST('/api/auth/login/second-factor', {
            body: { challenge, code: code.replace(/\s/g, '') },
          }),
        );
        return onDone();
      }
      const answer = data(
        await api.POST('/api/auth/login', {
          body: { organisation: me.organisation.slug, email: me.email, password },
        }),
      );
      if (!('secondFactorRequired' in answer)) return onDone();
      // A second factor due but not set up yet: that happens at an ordinary sign-in, not here.
      if (answer.enrolmentRequired) return setEnrolFirst(true);
      setChallenge(answer.challenge);
    });
  };

  return (
    <Form
      key={challenge ? 'code' : 'password'}
      className="form card"
      onSubmit={submit}
      validationErrors={fieldErrors(error)}
      aria-label={t('reauth.label')}
    >
      <p>{challenge ? t('reauth.codeIntro') : intro}</p>
      <Problem error={error} />
      {enrolFirst && (
        <p className="problem" role="alert">
          {t('reauth.enrolFirst')}
        </p>
      )}
      {challenge ? (
        <Field
          name="code"
          label={t('login.code')}
          description={t('login.codeHelp')}
          isRequired
          autoComplete="one-time-code"
          inputMode="numeric"
        />
      ) : (
        <Field
          name="password"
          type="password"
          label={t('login.password')}
          isRequired
          autoComplete="current-password"
        />
      )}
      <div className="actions">
        <Button type="submit" isDisabled={busy}>
          {challenge ? t('login.verify') : submitLabel}
        </Button>
        <Button variant="secondary" onPress={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </Form>
  );
}
