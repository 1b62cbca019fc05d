import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { api, data } from '../../api/client';
import { useSession } from '../../session';
import { Button, Field } from '../../ui/fields';
import { Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

/** Invite someone by mail: professionals invite clients; org admins also professionals. */
export function InviteForm() {
  const { t } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const invite = useMutation({
    mutationFn: async (body: { email: string; displayName: string; role: 'client' | 'professional' }) =>
      data(await api.POST('/api/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  return (
    <Form
      className="form card"
      validationErrors={fieldErrors(invite.error)}
      onSubmit={(e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const v = Object.fromEntries(new FormData(form)) as Record<string, string>;
        invite.mutate(
          {
            email: v.email,
            displayName: v.displayName,
            role: (v.role as 'client' | 'professional') ?? 'client',
          },
          { onSuccess: () => form.reset() },
        );
      }}
    >
      {invite.isSuccess && (
        <p role="status" className="notice">
          {t('invite.sent')}
        </p>
      )}
      <Problem error={invite.error} />
      <Field name="displayName" label={t('account.name')} isRequired />
      <Field name="email" type="email" label={t('login.email')} isRequired />
      {me?.role === 'org_admin' ? (
        <RadioGroup name="role" defaultValue="professional" className="radio-group" isRequired>
          <Label>{t('account.role')}</Label>
          <Radio value="professional" className="radio">
            {t('roles.professional')}
          </Radio>
          <Radio value="client" className="radio">
            {t('roles.client')}
          </Radio>
        </RadioGroup>
      ) : (
        <input type="hidden" name="role" value="client" />
      )}
      <Button type="submit" isDisabled={invite.isPending}>
        {t('invite.send')}
      </Button>
    </Form>
  );
}

export function InviteScreen() {
  const { t } = useTranslation();
  return (
    <Page title={t('invite.title')}>
      <p>{t('invite.intro')}</p>
      <InviteForm />
    </Page>
  );
}
