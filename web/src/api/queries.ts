/** Server state through TanStack Query: one hook per API read, keyed by what it reads. */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApp } from '../app-context';
import { must, type Clip } from './client';

export const keys = {
  cameras: ['cameras'] as const,
  camera: (id: string) => ['camera', id] as const,
  cameraClips: (id: string, filter: { status?: string; to?: string }) => ['camera-clips', id, filter] as const,
  clip: (id: string) => ['clip', id] as const,
  workflow: (id: string) => ['workflow', id] as const,
  statusClips: (status: string) => ['status-clips', status] as const,
  executions: (status: string) => ['executions', status] as const,
  alerts: ['alerts'] as const,
};

export function useCameras() {
  const { api } = useApp();
  return useQuery({ queryKey: keys.cameras, queryFn: async () => must(await api.GET('/cameras', { params: { query: { limit: 100 } } })).cameras });
}

export function useCameraSettings(id: string) {
  const { api } = useApp();
  return useQuery({ queryKey: keys.camera(id), queryFn: async () => must(await api.GET('/cameras/{id}/settings', { params: { path: { id } } })) });
}

export const PAGE_SIZE = 50;

/** A camera's clips newest first, page by page (cursor); `status` uses the status list, `to` starts at a date. */
export function useCameraClips(id: string, filter: { status?: 'FAILED' | 'QUARANTINED' | 'PROCESSING'; to?: string }) {
  const { api } = useApp();
  return useInfiniteQuery({
    queryKey: keys.cameraClips(id, filter),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { cursor?: string }) => last.cursor,
    queryFn: async ({ pageParam }) =>
      filter.status
        ? must(await api.GET('/clips', { params: { query: { status: filter.status, camera: id, limit: PAGE_SIZE, cursor: pageParam } } }))
        : must(await api.GET('/cameras/{id}/clips', { params: { path: { id }, query: { limit: PAGE_SIZE, cursor: pageParam, to: filter.to } } })),
  });
}

/** One clip with fresh playback links; while it is processing, asked again every 2 s. */
export function useClip(id: string) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.clip(id),
    queryFn: async () => must(await api.GET('/clips/{id}', { params: { path: { id } } })) as Clip,
    refetchInterval: (query) => (query.state.data?.status === 'PROCESSING' ? 2000 : false),
    // Playback links expire: never serve a stale clip from the cache without asking again.
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
}

export function useWorkflow(id: string, live: boolean) {
  const { api } = useApp();
  return useQuery({
    queryKey: keys.workflow(id),
    queryFn: async () => must(await api.GET('/clips/{id}/workflow', { params: { path: { id } } })),
    refetchInterval: live ? 2000 : false,
    retry: false,
  });
}
