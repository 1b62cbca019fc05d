import { useState, type FormEvent, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { Problem, fieldErrors } from '../../ui/problem';

const formValues = (e: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

export interface Challenge {
  challenge: string;
  /** A second factor is due but not set up yet. */
  enrolmentRequired: boolean;
}

/**
 * The two steps of a sign-in as the API has them: the password (POST /api/auth/login), then, when a
 * second factor is due, a code against its challenge. What follows a step is the caller's: the login
 * page enrols an authenticator, re-authentication asks to sign in normally first.
 */
export function useSignIn({
  onSignedIn,
  onChallenge,
}: {
  onSignedIn: (recoveryCodes: string[]) => Promise<void> | void;
  onChallenge: (challenge: Challenge) => Promise<void> | void;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
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
  return {
    error,
    busy,
    password: (body: { organisation: string; email: string; password: string }) =>
      run(async () => {
        const answer = data(await api.POST('/api/auth/login', { body }));
        if (!('secondFactorRequired' in answer)) return onSignedIn([]);
        await onChallenge({
          challenge: answer.challenge,
          enrolmentRequired: Boolean(answer.enrolmentRequired),
        });
      }),
    code: (challenge: string, code: string) =>
      run(async () => {
        const answer = data(
          await api.POST('/api/auth/login/second-factor', {
            body: { challenge, code: code.replace(/\s/g, '') },
          }),
        );
        await onSignedIn(answer.recoveryCodes ?? []);
      }),
  };
}

interface StepFormProps {
  error: unknown;
  busy: boolean;
  submitLabel: string;
  intro?: ReactNode;
  /** Beside the submit button (e.g. cancel). */
  actions?: ReactNode;
  className?: string;
  'aria-label'?: string;
}

/** The password step: organisation and e-mail too unless the account is known (re-authentication). */
export function PasswordForm({
  account,
  onSubmit,
  formRef,
  error,
  busy,
  submitLabel,
  intro,
  actions,
  className = 'form',
  'aria-label': ariaLabel,
}: StepFormProps & {
  account?: { organisation: string; email: string };
  onSubmit: (body: { organisation: string; email: string; password: string }) => void;
  formRef?: Ref<HTMLFormElement>;
}) {
  const { t } = useTranslation();
  return (
    <Form
      key="password"
      ref={formRef}
      className={className}
      aria-label={ariaLabel}
      validationErrors={fieldErrors(error)}
      onSubmit={(e) => {
        e.preventDefault();
        const { organisation, email, password } = formValues(e);
        onSubmit(account ? { ...account, password } : { organisation, email, password });
      }}
    >
      {intro && <p>{intro}</p>}
      <Problem error={error} />
      {!account && (
        <>
          <Field name="organisation" label={t('login.organisation')} isRequired autoComplete="organization" />
          <Field name="email" type="email" label={t('login.email')} isRequired autoComplete="username" />
        </>
      )}
      <Field
        name="password"
        type="password"
        label={t('login.password')}
        isRequired
        autoComplete="current-password"
      />
      <div className="actions">
        <Button type="submit" isDisabled={busy}>
          {submitLabel}
        </Button>
        {actions}
      </div>
    </Form>
  );
}

/** The second-factor step: a code from the authenticator app, or a recovery code. */
export function CodeForm({
  onSubmit,
  description,
  error,
  busy,
  submitLabel,
  intro,
  actions,
  className = 'form',
  'aria-label': ariaLabel,
}: StepFormProps & { onSubmit: (code: string) => void; description?: string }) {
  const { t } = useTranslation();
  return (
    // Keyed: React must not reuse the password form's inputs (their typed values) for the code.
    <Form
      key="code"
      className={className}
      aria-label={ariaLabel}
      validationErrors={fieldErrors(error)}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(formValues(e).code);
      }}
    >
      {intro && <p>{intro}</p>}
      <Problem error={error} />
      <Field
        name="code"
        label={t('login.code')}
        description={description}
        isRequired
        autoComplete="one-time-code"
        inputMode="numeric"
      />
      <div className="actions">
        <Button type="submit" isDisabled={busy}>
          {submitLabel}
        </Button>
        {actions}
      </div>
    </Form>
  );
}
