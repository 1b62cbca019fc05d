import type { ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, data } from '../../api/client';
import { Button } from '../../ui/fields';
import { Loading, Page } from '../../ui/page';
import { Problem } from '../../ui/problem';

export function usePrivacyStatement() {
  return useQuery({
    queryKey: ['privacy-statement'],
    queryFn: async () => {
      try {
        return data(await api.GET('/api/tenant/privacy-statement'));
      } catch (err) {
        // No statement published yet: nothing to acknowledge.
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
  });
}

/** Nothing else until the organisation's current privacy statement is acknowledged (the gateway's gate). */
export function PrivacyGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const statement = usePrivacyStatement();
  const acknowledge = useMutation({
    mutationFn: async (version: number) =>
      data(await api.POST('/api/auth/privacy-statement/acknowledge', { body: { version } })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  if (statement.isPending) return <Loading />;
  if (statement.error) return <Problem error={statement.error} />;
  const current = statement.data;
  if (!current || current.acknowledged) return <>{children}</>;
  return (
    <Page title={t('privacy.title')}>
      <p>{t('privacy.intro', { version: current.version })}</p>
      <article className="statement" aria-label={t('privacy.title')}>
        {current.text.split(/\n{2,}/).map((paragraph, i) => (
          <p key={i}>{paragraph}</p>
        ))}
      </article>
      <Problem error={acknowledge.error} />
      <Button onPress={() => acknowledge.mutate(current.version)} isDisabled={acknowledge.isPending}>
        {t('privacy.acknowledge')}
      </Button>
    </Page>
  );
}
