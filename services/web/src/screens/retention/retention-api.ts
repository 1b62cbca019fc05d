import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api/client';
import type { paths } from '../../api/schema';

export type RetentionRequest =
  paths['/api/retention/requests']['get']['responses']['200']['content']['application/json']['items'][number];

/** States in which a request is still open (asking again answers it, not a new one). */
export const OPEN_STATES: readonly RetentionRequest['state'][] = [
  'requested',
  'approved',
  'pending',
  'running',
];
export const isOpen = (r: RetentionRequest) => OPEN_STATES.includes(r.state);

/**
 * Erasure and export requests retention shows this actor (a client: their own; an org admin: the
 * organisation's, or one client's). While one is open, asked again every few seconds: the saga moves it.
 */
export function useRetentionRequests(clientId?: string) {
  return useQuery({
    queryKey: ['retention-requests', clientId ?? null],
    queryFn: async () =>
      data(await api.GET('/api/retention/requests', { params: { query: clientId ? { clientId } : {} } }))
        .items,
    refetchInterval: (query) => ((query.state.data ?? []).some(isOpen) ? 5_000 : false),
  });
}

/**
 * The package of a completed export, fetched once: a single-use link (its token stays in memory and
 * travels only in a POST body, never in an address), then the package, handed to the browser as a
 * file. Fetched, it is gone from the server.
 */
export async function downloadExport(requestId: string): Promise<void> {
  const link = data(
    await api.POST('/api/retention/requests/{requestId}/download-link', {
      params: { path: { requestId } },
    }),
  );
  const pkg = data(await api.POST('/api/retention/downloads', { body: { token: link.token } }));
  const url = URL.createObjectURL(new Blob([JSON.stringify(pkg, null, 2)], { type: 'application/json' }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = `therapy-room-export-${requestId}.json`;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // The click has started the download; the object URL is not needed after this turn.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
