import { useState, type ReactNode } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { Link } from 'wouter';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { organisationFromLink } from './token-from-link';

/**
 * Choosing a password with a mail's link (the invitation's activation, a password reset): the new
 * password twice, the API's policy errors on the field, then a page that leads to sign in. The one
 * form both links use; each says what its link does and where the password goes (`save`).
 */
export function PasswordFromLink({
  token,
  save,
  text,
  notice,
}: {
  token: string | null;
  /** The body of the call that spends the token: with the organisation the link names, if it names one. */
  save: (body: { token: string; password: string; organisation?: string }) => Promise<unknown>;
  text: { title: string; submit: string; doneTitle: string; done: string };
  /** Shown above the form (e.g. that the page needs the mail's link). */
  notice?: ReactNode;
}) {
  const { t } = useTranslation();
  const [mismatch, setMismatch] = useState(false);
  const saving = useMutation({
    mutationFn: (password: string) => save({ token: token ?? '', password, ...organisationFromLink() }),
  });
  if (saving.isSuccess) {
    return (
      <Page title={text.doneTitle}>
        <p role="status">{text.done}</p>
        <Link href="/login" className="button button-primary">
          {t('login.submit')}
        </Link>
      </Page>
    );
  }
  return (
    <Page title={text.title}>
      {notice}
      <p>{t('password.rules')}</p>
      <Form
        className="form"
        validationErrors={{
          ...fieldErrors(saving.error),
          ...(mismatch ? { repeat: t('password.mismatch') } : {}),
        }}
        onSubmit={(e) => {
          e.preventDefault();
          const { password, repeat } = Object.fromEntries(new FormData(e.currentTarget)) as Record<
            string,
            string
          >;
          setMismatch(password !== repeat);
          if (password === repeat) saving.mutate(password);
        }}
      >
        <Problem error={saving.error} />
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
        <Button type="submit" isDisabled={!token || saving.isPending}>
          {text.submit}
        </Button>
      </Form>
    </Page>
  );
}
