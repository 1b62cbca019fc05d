import type { FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link } from 'wouter';
import { api, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { PasswordFromLink } from './password-from-link';
import { useTokenFromLink } from './token-from-link';

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
  return (
    <PasswordFromLink
      token={token}
      save={async (body) => data(await api.POST('/api/auth/password-reset/confirm', { body }))}
      text={{
        title: t('reset.chooseTitle'),
        submit: t('reset.save'),
        doneTitle: t('reset.doneTitle'),
        done: t('reset.done'),
      }}
    />
  );
}
