import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Switch } from 'react-aria-components';
import { api, data } from '../../api/client';
import { Page } from '../../ui/page';
import { Problem } from '../../ui/problem';

/**
 * The two-factor policy: org admins always have a second factor; this decides it for professionals.
 * (The API has no read of the current setting: the switch shows what was last saved here.)
 */
export function SecurityPolicyScreen() {
  const { t } = useTranslation();
  const [required, setRequired] = useState<boolean | null>(null);
  const save = useMutation({
    mutationFn: async (requiredForProfessionals: boolean) =>
      data(await api.PUT('/api/tenant/settings/two-factor', { body: { requiredForProfessionals } })),
    onSuccess: (_answer, value) => setRequired(value),
  });
  return (
    <Page title={t('security.title')}>
      <p>{t('security.intro')}</p>
      <Problem error={save.error} />
      <Switch
        className="switch"
        isSelected={required ?? false}
        onChange={(on) => save.mutate(on)}
        isDisabled={save.isPending}
      >
        <span className="switch-track" aria-hidden="true" />
        {t('security.professionals')}
      </Switch>
      {save.isSuccess && (
        <p role="status" className="notice">
          {t(required ? 'security.on' : 'security.off')}
        </p>
      )}
    </Page>
  );
}
