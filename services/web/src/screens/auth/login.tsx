import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link, useSearch } from 'wouter';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { QrCode } from '../../ui/qr-code';
import { RecoveryCodes } from './recovery-codes';
import { SsoButton } from './sso-button';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string }
  | { kind: 'enrol'; challenge: string; secret: string; otpauthUrl: string }
  | { kind: 'recovery-codes'; codes: string[] };

const formValues = (e: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

/** Log in: organisation, e-mail and password, then the second factor (enrolling it first when due). */
export function LoginScreen() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const search = new URLSearchParams(useSearch());
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const passwordForm = useRef<HTMLFormElement>(null);

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

  const submitPassword = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { organisation, email, password } = formValues(e);
    void run(async () => {
      const answer = data(await api.POST('/api/auth/login', { body: { organisation, email, password } }));
      if (!('secondFactorRequired' in answer)) return refresh();
      if (answer.enrolmentRequired) {
        const enrolled = data(
          await api.POST('/api/auth/login/second-factor/enrol', { body: { challenge: answer.challenge } }),
        ) as { secret: string; otpauthUrl: string };
        setStep({ kind: 'enrol', challenge: answer.challenge, ...enrolled });
      } else setStep({ kind: 'code', challenge: answer.challenge });
    });
  };

  const submitCode = (challenge: string) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { code } = formValues(e);
    void run(async () => {
      const answer = data(
        await api.POST('/api/auth/login/second-factor', {
          body: { challenge, code: code.replace(/\s/g, '') },
        }),
      );
      if (answer.recoveryCodes?.length) setStep({ kind: 'recovery-codes', codes: answer.recoveryCodes });
      else await refresh();
    });
  };

  if (step.kind === 'recovery-codes') {
    return (
      <Page title={t('login.recoveryTitle')}>
        <RecoveryCodes codes={step.codes} />
        <Button onPress={() => void refresh()}>{t('login.continue')}</Button>
      </Page>
    );
  }

  if (step.kind === 'enrol' || step.kind === 'code') {
    return (
      <Page title={t(step.kind === 'enrol' ? 'login.enrolTitle' : 'login.codeTitle')}>
        {step.kind === 'enrol' && (
          <div className="enrol">
            <p>{t('login.enrolIntro')}</p>
            <QrCode text={step.otpauthUrl} label={t('login.qrLabel')} />
            <p>
              {t('login.enrolSecret')} <code className="secret">{step.secret}</code>
            </p>
          </div>
        )}
        {/* Keyed: React must not reuse the password form's inputs (their typed values) for the code. */}
        <Form
          key="code"
          className="form"
          onSubmit={submitCode(step.challenge)}
          validationErrors={fieldErrors(error)}
        >
          <Problem error={error} />
          <Field
            name="code"
            label={t('login.code')}
            description={step.kind === 'code' ? t('login.codeHelp') : undefined}
            isRequired
            autoComplete="one-time-code"
            inputMode="numeric"
          />
          <Button type="submit" isDisabled={busy}>
            {t('login.verify')}
          </Button>
        </Form>
      </Page>
    );
  }

  return (
    <Page title={t('login.title')}>
      {search.get('ended') === 'idle' && (
        <p className="notice" role="status">
          {t('login.endedIdle')}
        </p>
      )}
      <Form
        key="password"
        ref={passwordForm}
        className="form"
        onSubmit={submitPassword}
        validationErrors={fieldErrors(error)}
      >
        <Problem error={error} />
        <Field name="organisation" label={t('login.organisation')} isRequired autoComplete="organization" />
        <Field name="email" type="email" label={t('login.email')} isRequired autoComplete="username" />
        <Field
          name="password"
          type="password"
          label={t('login.password')}
          isRequired
          autoComplete="current-password"
        />
        <Button type="submit" isDisabled={busy}>
          {t('login.submit')}
        </Button>
      </Form>
      <SsoButton organisationField={passwordForm} />
      <p>
        <Link href="/reset-password">{t('login.forgot')}</Link>
      </p>
    </Page>
  );
}
