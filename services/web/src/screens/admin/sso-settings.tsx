import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Checkbox, CheckboxGroup, Form, Label } from 'react-aria-components';
import { api, ApiError, data } from '../../api/client';
import { Button, Field } from '../../ui/fields';
import { Loading, Page } from '../../ui/page';
import { Problem, fieldErrors } from '../../ui/problem';

/**
 * What identity answers for GET /api/tenant/settings/sso (services/identity's SsoConfigView; the
 * route documents no answer schema, so the generated types have none).
 */
interface SsoSettings {
  issuer: string;
  clientId: string;
  allowedRoles: ('professional' | 'client')[];
  autoCreateClients: boolean;
  mfaAcrValues: string[];
  enabled: boolean;
  redirectUri: string;
}

/**
 * Single sign-on through the organisation's OpenID provider: issuer, client, who may use it. The
 * client secret is never shown again; left empty, the stored one stays (for the same issuer).
 */
export function SsoSettingsScreen() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = useQuery({
    queryKey: ['sso-settings'],
    queryFn: async () => {
      try {
        return data(await api.GET('/api/tenant/settings/sso')) as unknown as SsoSettings;
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
  const save = useMutation({
    mutationFn: async (body: Omit<SsoSettings, 'redirectUri'> & { clientSecret?: string }) =>
      data(await api.PUT('/api/tenant/settings/sso', { body })) as unknown as SsoSettings,
    onSuccess: (view) => queryClient.setQueryData(['sso-settings'], view),
  });
  const remove = useMutation({
    mutationFn: async () => data(await api.DELETE('/api/tenant/settings/sso')),
    onSuccess: () => queryClient.setQueryData(['sso-settings'], null),
  });
  if (current.isPending) return <Loading />;
  const s = current.data ?? null;
  return (
    <Page title={t('sso.title')}>
      <p>{t('sso.intro')}</p>
      <Problem error={current.error ?? remove.error} />
      {s && (
        <p className="notice" role="status">
          {t(s.enabled ? 'sso.on' : 'sso.off')} {t('sso.redirectUri')} <code>{s.redirectUri}</code>
        </p>
      )}
      <SsoForm key={s ? 'saved' : 'new'} current={s} save={save} />
      {s && (
        <Button variant="danger" isDisabled={remove.isPending} onPress={() => remove.mutate()}>
          {t('sso.remove')}
        </Button>
      )}
    </Page>
  );
}

function SsoForm({
  current,
  save,
}: {
  current: SsoSettings | null;
  save: ReturnType<
    typeof useMutation<SsoSettings, Error, Omit<SsoSettings, 'redirectUri'> & { clientSecret?: string }>
  >;
}) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<string[]>(current?.allowedRoles ?? ['professional']);
  const [options, setOptions] = useState<string[]>(
    [current?.enabled !== false && 'enabled', current?.autoCreateClients && 'autoCreateClients'].filter(
      (o): o is string => !!o,
    ),
  );
  return (
    <Form
      className="form card"
      validationErrors={fieldErrors(save.error)}
      onSubmit={(e) => {
        e.preventDefault();
        const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
        save.mutate({
          issuer: f.issuer.trim(),
          clientId: f.clientId.trim(),
          ...(f.clientSecret ? { clientSecret: f.clientSecret } : {}),
          allowedRoles: roles as SsoSettings['allowedRoles'],
          autoCreateClients: options.includes('autoCreateClients'),
          mfaAcrValues: f.mfaAcrValues.split(/\s+/).filter(Boolean),
          enabled: options.includes('enabled'),
        });
      }}
    >
      <Problem error={save.error} />
      {save.isSuccess && (
        <p role="status" className="notice">
          {t('sso.saved')}
        </p>
      )}
      <Field name="issuer" type="url" label={t('sso.issuer')} defaultValue={current?.issuer} isRequired />
      <Field name="clientId" label={t('sso.clientId')} defaultValue={current?.clientId} isRequired />
      <Field
        name="clientSecret"
        type="password"
        label={t('sso.clientSecret')}
        description={current ? t('sso.secretKept') : undefined}
        isRequired={!current}
        autoComplete="off"
      />
      <Field
        name="mfaAcrValues"
        label={t('sso.acr')}
        description={t('sso.acrHelp')}
        defaultValue={current?.mfaAcrValues.join(' ')}
      />
      <CheckboxGroup className="checkbox-group" value={roles} onChange={setRoles} isRequired>
        <Label>{t('sso.roles')}</Label>
        {(['professional', 'client'] as const).map((r) => (
          <Checkbox key={r} value={r} className="checkbox">
            <span className="checkbox-box" aria-hidden="true" />
            {t(`roles.${r}`)}
          </Checkbox>
        ))}
      </CheckboxGroup>
      <CheckboxGroup className="checkbox-group" value={options} onChange={setOptions}>
        <Label>{t('sso.options')}</Label>
        <Checkbox value="enabled" className="checkbox">
          <span className="checkbox-box" aria-hidden="true" />
          {t('sso.enabled')}
        </Checkbox>
        <Checkbox value="autoCreateClients" className="checkbox">
          <span className="checkbox-box" aria-hidden="true" />
          {t('sso.autoCreate')}
        </Checkbox>
      </CheckboxGroup>
      <Button type="submit" isDisabled={save.isPending}>
        {t('sso.save')}
      </Button>
    </Form>
  );
}
