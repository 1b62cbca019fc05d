import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api/client';
import { useLiveMessages } from './live';

export function useUnread() {
  return useQuery({
    queryKey: ['unread'],
    queryFn: async () => data(await api.GET('/api/messaging/unread')),
  });
}

/** The number of unread messages beside "Messages", kept current by the live stream. */
export function UnreadBadge() {
  const { t } = useTranslation();
  useLiveMessages(true);
  const unread = useUnread();
  const total = unread.data?.total ?? 0;
  if (total === 0) return null;
  return (
    <span className="badge" data-testid="unread-badge">
      {total}
      <span className="visually-hidden"> {t('messages.unread', { count: total })}</span>
    </span>
  );
}
