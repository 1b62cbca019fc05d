import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form } from 'react-aria-components';
import { api, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { Page, formatDateTime } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';
import { usePrivacyStatement } from '../auth/privacy-gate';

/** The organisation's privacy statement: the current version, and publishing a new one (everyone acknowledges it again). */
export function PrivacyStatementsScreen() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const current = usePrivacyStatement();
  const publish = useMutation({
    mutationFn: async (text: string) =>
      data(await api.POST('/api/tenant/privacy-statements', { body: { text } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['privacy-statement'] }),
  });
  return (
    <Page title={t('privacyAdmin.title')}>
      <Problem error={current.error} />
      {current.data ? (
        <section aria-labelledby="current-heading" className="card">
          <h2 id="current-heading">{t('privacyAdmin.current', { version: current.data.version })}</h2>
          <p className="muted">{formatDateTime(current.data.publishedAt, i18n.language)}</p>
          <p className="statement">{current.data.text}</p>
        </section>
      ) : (
        <p>{t('privacyAdmin.none')}</p>
      )}
      <Form
        className="form card"
        validationErrors={fieldErrors(publish.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          publish.mutate(String(new FormData(form).get('text') ?? ''), { onSuccess: () => form.reset() });
        }}
      >
        <h2>{t('privacyAdmin.new')}</h2>
        <p>{t('privacyAdmin.newIntro')}</p>
        {publish.isSuccess && (
          <p role="status" className="notice">
            {t('privacyAdmin.published', { version: publish.data.version })}
          </p>
        )}
        <Problem error={publish.error} />
        <Field name="text" label={t('privacyAdmin.text')} multiline isRequired />
        <Button type="submit" isDisabled={publish.isPending}>
          {t('privacyAdmin.publish')}
        </Button>
      </Form>
    </Page>
  );
}
