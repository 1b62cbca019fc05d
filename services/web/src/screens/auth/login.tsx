import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button } from '../../ui/fields';
import { Page } from '../../ui/page';
import { QrCode } from '../../ui/qr-code';
import { RecoveryCodes } from './recovery-codes';
import { CodeForm, PasswordForm, useSignIn } from './sign-in-forms';
import { SsoButton } from './sso-button';

type Step =
  | { kind: 'password' }
  | { kind: 'code'; challenge: string }
  | { kind: 'enrol'; challenge: string; secret: string; otpauthUrl: string }
  | { kind: 'recovery-codes'; codes: string[] };

/** The codes the gateway sends a browser back with when a single sign-on step was refused. */
const SSO_ERRORS = ['failed', 'not_available', 'provider_unavailable', 'throttled'] as const;
const ssoErrorOf = (value: string | null) => SSO_ERRORS.find((code) => code === value);

/** Log in: organisation, e-mail and password, then the second factor (enrolling it first when due). */
export function LoginScreen() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const search = new URLSearchParams(useSearch());
  const ssoError = ssoErrorOf(search.get('sso'));
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const passwordForm = useRef<HTMLFormElement>(null);
  const signIn = useSignIn({
    onSignedIn: async (codes) => {
      if (codes.length) setStep({ kind: 'recovery-codes', codes });
      else await refresh();
    },
    onChallenge: async ({ challenge, enrolmentRequired }) => {
      if (!enrolmentRequired) return setStep({ kind: 'code', challenge });
      const enrolled = data(
        await api.POST('/api/auth/login/second-factor/enrol', { body: { challenge } }),
      ) as { secret: string; otpauthUrl: string };
      setStep({ kind: 'enrol', challenge, ...enrolled });
    },
  });

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
        <CodeForm
          onSubmit={(code) => void signIn.code(step.challenge, code)}
          description={step.kind === 'code' ? t('login.codeHelp') : undefined}
          error={signIn.error}
          busy={signIn.busy}
          submitLabel={t('login.verify')}
        />
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
      {ssoError && (
        <p className="problem" role="alert">
          {t(`sso.error.${ssoError}`)}
        </p>
      )}
      <PasswordForm
        formRef={passwordForm}
        onSubmit={(body) => void signIn.password(body)}
        error={signIn.error}
        busy={signIn.busy}
        submitLabel={t('login.submit')}
      />
      <SsoButton organisationField={passwordForm} />
      <p>
        <Link href="/reset-password">{t('login.forgot')}</Link>
      </p>
    </Page>
  );
}
