import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, data, onApiSignal } from './api/client';
import type { paths } from './api/schema';

export type Me = paths['/api/me']['get']['responses']['200']['content']['application/json'];
export type Role = Me['role'];

interface Session {
  me: Me | null;
  loading: boolean;
  /** Set after a login: the next screen may say so (e.g. "signed out after inactivity"). */
  refresh(): Promise<void>;
  signedOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Who is signed in (GET /api/me, which the privacy gate lets through): null when nobody is. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return data(await api.GET('/api/me'));
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
  useEffect(
    () =>
      onApiSignal((signal) => {
        if (signal === 'session-ended') queryClient.setQueryData(['me'], null);
        if (signal === 'privacy-required')
          void queryClient.invalidateQueries({ queryKey: ['privacy-statement'] });
      }),
    [queryClient],
  );
  const value: Session = {
    me: me.data ?? null,
    loading: me.isPending,
    async refresh() {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
    signedOut() {
      queryClient.clear();
      queryClient.setQueryData(['me'], null);
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
