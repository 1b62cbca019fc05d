import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form, Switch } from 'react-aria-components';
import { useLocation } from 'wouter';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { QrCode } from '../../ui/qr-code';
import { RecoveryCodes } from './recovery-codes';

const values = (e: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

/** My account: who I am, password, second factor, mail about new messages, sign out everywhere. */
export function AccountScreen() {
  const { t } = useTranslation();
  const { me } = useSession();
  if (!me) return null;
  return (
    <Page title={t('account.title')}>
      <dl className="facts">
        <dt>{t('account.name')}</dt>
        <dd>{me.displayName}</dd>
        <dt>{t('login.email')}</dt>
        <dd>{me.email}</dd>
        <dt>{t('login.organisation')}</dt>
        <dd>{me.organisation.name}</dd>
        <dt>{t('account.role')}</dt>
        <dd>{t(`roles.${me.role}`)}</dd>
      </dl>
      <ChangePassword />
      <TwoFactor />
      {(me.role === 'client' || me.role === 'professional') && <MessageMail />}
      <SignOutEverywhere />
    </Page>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const change = useMutation({
    mutationFn: async (body: { currentPassword: string; newPassword: string }) =>
      data(await api.POST('/api/auth/password', { body })),
  });
  return (
    <section aria-labelledby="password-heading" className="card">
      <h2 id="password-heading">{t('account.password')}</h2>
      {change.isSuccess && <p role="status">{t('account.passwordChanged')}</p>}
      <Form
        className="form"
        validationErrors={fieldErrors(change.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const { currentPassword, newPassword } = values(e);
          change.mutate({ currentPassword, newPassword });
          e.currentTarget.reset();
        }}
      >
        <Problem error={change.error} />
        <Field
          name="currentPassword"
          type="password"
          label={t('account.currentPassword')}
          isRequired
          autoComplete="current-password"
        />
        <Field
          name="newPassword"
          type="password"
          label={t('password.new')}
          description={t('password.rules')}
          isRequired
          autoComplete="new-password"
        />
        <Button type="submit" isDisabled={change.isPending}>
          {t('account.changePassword')}
        </Button>
      </Form>
    </section>
  );
}

function TwoFactor() {
  const { t } = useTranslation();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [off, setOff] = useState(false);
  const start = async () => {
    setError(null);
    try {
      setEnrolment(data(await api.POST('/api/auth/2fa/enrol')) as { secret: string; otpauthUrl: string });
    } catch (err) {
      setError(err);
    }
  };
  const confirm = async (code: string) => {
    setError(null);
    try {
      const answer = data(await api.POST('/api/auth/2fa/confirm', { body: { code } })) as {
        recoveryCodes: string[];
      };
      setCodes(answer.recoveryCodes);
      setEnrolment(null);
    } catch (err) {
      setError(err);
    }
  };
  const disable = async (code: string) => {
    setError(null);
    try {
      data(await api.DELETE('/api/auth/2fa', { body: { code } }));
      setOff(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="twofactor-heading" className="card">
      <h2 id="twofactor-heading">{t('account.twoFactor')}</h2>
      <p>{t('account.twoFactorIntro')}</p>
      <Problem error={error} />
      {off && <p role="status">{t('account.twoFactorOff')}</p>}
      {codes && <RecoveryCodes codes={codes} />}
      {enrolment ? (
        <>
          <p>{t('login.enrolIntro')}</p>
          <QrCode text={enrolment.otpauthUrl} label={t('login.qrLabel')} />
          <p>
            {t('login.enrolSecret')} <code className="secret">{enrolment.secret}</code>
          </p>
          <Form className="form" onSubmit={(e) => (e.preventDefault(), void confirm(values(e).code))}>
            <Field
              name="code"
              label={t('login.code')}
              isRequired
              autoComplete="one-time-code"
              inputMode="numeric"
            />
            <Button type="submit">{t('login.verify')}</Button>
          </Form>
        </>
      ) : (
        <div className="actions">
          <Button variant="secondary" onPress={() => void start()}>
            {t('account.twoFactorSetUp')}
          </Button>
        </div>
      )}
      <details>
        <summary>{t('account.twoFactorDisable')}</summary>
        <Form className="form" onSubmit={(e) => (e.preventDefault(), void disable(values(e).code))}>
          <Field name="code" label={t('login.code')} isRequired autoComplete="one-time-code" />
          <Button type="submit" variant="danger">
            {t('account.twoFactorDisable')}
          </Button>
        </Form>
      </details>
    </section>
  );
}

function MessageMail() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const prefs = useQuery({
    queryKey: ['messaging-preferences'],
    queryFn: async () => data(await api.GET('/api/messaging/preferences')),
  });
  const save = useMutation({
    mutationFn: async (emailNotifications: boolean) =>
      data(await api.PUT('/api/messaging/preferences', { body: { emailNotifications } })),
    onSuccess: (answer) => queryClient.setQueryData(['messaging-preferences'], answer),
  });
  return (
    <section aria-labelledby="mail-heading" className="card">
      <h2 id="mail-heading">{t('account.messageMail')}</h2>
      <Problem error={prefs.error ?? save.error} />
      {prefs.data && (
        <Switch
          className="switch"
          isSelected={prefs.data.emailNotifications}
          onChange={(on) => save.mutate(on)}
        >
          <span className="switch-track" aria-hidden="true" />
          {t('account.messageMailLabel')}
        </Switch>
      )}
    </section>
  );
}

function SignOutEverywhere() {
  const { t } = useTranslation();
  const { signedOut } = useSession();
  const [, navigate] = useLocation();
  const everywhere = useMutation({
    mutationFn: async () => data(await api.POST('/api/auth/logout-everywhere')),
    onSuccess: () => {
      signedOut();
      navigate('/login', { replace: true });
    },
  });
  return (
    <section aria-labelledby="everywhere-heading" className="card">
      <h2 id="everywhere-heading">{t('account.everywhere')}</h2>
      <p>{t('account.everywhereIntro')}</p>
      <Problem error={everywhere.error} />
      <Button variant="danger" onPress={() => everywhere.mutate()} isDisabled={everywhere.isPending}>
        {t('account.everywhereButton')}
      </Button>
    </section>
  );
}
