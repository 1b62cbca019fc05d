import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { organisationFromLink, useTokenFromLink } from './token-from-link';

const values = (e: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;

/** Without a token: ask for a reset mail. With the mail's token: choose a new password. */
export function ResetPasswordScreen() {
  const token = useTokenFromLink();
  return token ? <ChooseNewPassword token={token} /> : <RequestReset />;
}

function RequestReset() {
  const { t } = useTranslation();
  const request = useMutation({
    mutationFn: async (body: { organisation: string; email: string }) =>
      data(await api.POST('/api/auth/password-reset/request', { body })),
  });
  return (
    <Page title={t('reset.title')}>
      {request.isSuccess ? (
        <p role="status">{t('reset.sent')}</p>
      ) : (
        <Form
          className="form"
          validationErrors={fieldErrors(request.error)}
          onSubmit={(e) => {
            e.preventDefault();
            const { organisation, email } = values(e);
            request.mutate({ organisation, email });
          }}
        >
          <p>{t('reset.intro')}</p>
          <Problem error={request.error} />
          <Field name="organisation" label={t('login.organisation')} isRequired />
          <Field name="email" type="email" label={t('login.email')} isRequired autoComplete="username" />
          <Button type="submit" isDisabled={request.isPending}>
            {t('reset.send')}
          </Button>
        </Form>
      )}
      <p>
        <Link href="/login">{t('login.back')}</Link>
      </p>
    </Page>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const { t } = useTranslation();
  const [mismatch, setMismatch] = useState(false);
  const confirm = useMutation({
    mutationFn: async (password: string) =>
      data(
        await api.POST('/api/auth/password-reset/confirm', {
          body: { token, password, ...organisationFromLink() },
        }),
      ),
  });
  if (confirm.isSuccess) {
    return (
      <Page title={t('reset.doneTitle')}>
        <p role="status">{t('reset.done')}</p>
        <Link href="/login" className="button button-primary">
          {t('login.submit')}
        </Link>
      </Page>
    );
  }
  return (
    <Page title={t('reset.chooseTitle')}>
      <p>{t('password.rules')}</p>
      <Form
        className="form"
        validationErrors={{
          ...fieldErrors(confirm.error),
          ...(mismatch ? { repeat: t('password.mismatch') } : {}),
        }}
        onSubmit={(e) => {
          e.preventDefault();
          const { password, repeat } = values(e);
          setMismatch(password !== repeat);
          if (password === repeat) confirm.mutate(password);
        }}
      >
        <Problem error={confirm.error} />
        <Field
          name="password"
          type="password"
          label={t('password.new')}
          isRequired
          autoComplete="new-password"
        />
        <Field
          name="repeat"
          type="password"
          label={t('password.repeat')}
          isRequired
          autoComplete="new-password"
        />
        <Button type="submit" isDisabled={confirm.isPending}>
          {t('reset.save')}
        </Button>
      </Form>
    </Page>
  );
}
