/** The alerts sent, newest first, each linking to its clip. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApp } from '../app-context';
import { must } from '../api/client';
import { keys } from '../api/queries';
import { HomeAwayMode } from '../HomeAwayMode';

export function AlertsPage() {
  const { api } = useApp();
  const alerts = useInfiniteQuery({
    queryKey: keys.alerts,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { cursor?: string }) => last.cursor,
    queryFn: async ({ pageParam }) => must(await api.GET('/alerts', { params: { query: { limit: 50, cursor: pageParam } } })),
  });
  const list = alerts.data?.pages.flatMap((p) => p.alerts) ?? [];
  return (
    <section className="page">
      <h1>Alerts</h1>
      <HomeAwayMode />
      {alerts.error && (
        <p role="alert" className="problem">
          {alerts.error.message}
        </p>
      )}
      {alerts.isPending && <p>Loading alerts…</p>}
      {!alerts.isPending && list.length === 0 && <p>No alert has been sent.</p>}
      <ul className="alert-list">
        {list.map((alert, i) => (
          <li key={`${alert.sentAt}-${i}`}>
            <time dateTime={alert.sentAt}>{new Date(alert.sentAt).toLocaleString()}</time>
            <strong>{alert.subject}</strong>
            {alert.clipId && <Link to={`/clips/${encodeURIComponent(alert.clipId)}`}>Open the clip</Link>}
          </li>
        ))}
      </ul>
      {alerts.hasNextPage && (
        <button type="button" onClick={() => void alerts.fetchNextPage()} disabled={alerts.isFetchingNextPage}>
          Older alerts
        </button>
      )}
    </section>
  );
}
