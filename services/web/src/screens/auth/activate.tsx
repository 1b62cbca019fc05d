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

/** The invitation mail's link: choose a password and the account is active. */
export function ActivateScreen() {
  const { t } = useTranslation();
  const token = useTokenFromLink();
  const [mismatch, setMismatch] = useState(false);
  const activate = useMutation({
    mutationFn: async (password: string) =>
      data(
        await api.POST('/api/auth/activate', {
          body: { token: token ?? '', password, ...organisationFromLink() },
        }),
      ),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { password, repeat } = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    setMismatch(password !== repeat);
    if (password === repeat) activate.mutate(password);
  };
  if (activate.isSuccess) {
    return (
      <Page title={t('activate.doneTitle')}>
        <p role="status">{t('activate.done')}</p>
        <Link href="/login" className="button button-primary">
          {t('login.submit')}
        </Link>
      </Page>
    );
  }
  return (
    <Page title={t('activate.title')}>
      {!token && <p role="alert">{t('activate.noToken')}</p>}
      <p>{t('password.rules')}</p>
      <Form
        className="form"
        onSubmit={submit}
        validationErrors={{
          ...fieldErrors(activate.error),
          ...(mismatch ? { repeat: t('password.mismatch') } : {}),
        }}
      >
        <Problem error={activate.error} />
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
        <Button type="submit" isDisabled={!token || activate.isPending}>
          {t('activate.submit')}
        </Button>
      </Form>
    </Page>
  );
}
