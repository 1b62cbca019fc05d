import { useQuery } from '@tanstack/react-query';
import { api, data } from './client';
import type { Assignment, Report, Work } from './content-types';

export function useAssignments(clientId: string | undefined) {
  return useQuery({
    queryKey: ['assignments', clientId],
    enabled: !!clientId,
    queryFn: async () =>
      data(
        await api.GET('/api/content/clients/{clientId}/assignments', {
          params: { path: { clientId: clientId! }, query: { status: 'active' } },
        }),
      ).items as Assignment[],
  });
}

export function useWork(assignmentId: string) {
  return useQuery({
    queryKey: ['work', assignmentId],
    queryFn: async () =>
      data(
        await api.GET('/api/content/assignments/{assignmentId}', { params: { path: { assignmentId } } }),
      ) as unknown as Work,
  });
}

export function useReport(clientId: string | undefined) {
  return useQuery({
    queryKey: ['report', clientId],
    enabled: !!clientId,
    queryFn: async () =>
      data(
        await api.GET('/api/content/clients/{clientId}/report', {
          params: { path: { clientId: clientId! } },
        }),
      ) as unknown as Report,
  });
}
