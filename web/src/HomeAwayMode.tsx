/**
 * Home or away: the household's mode and the mode in force now. In home mode only cameras
 * marked "alert when home" send motion alerts. Admins switch between home and away here; a
 * weekly schedule (set with PUT /mode) is shown with its periods.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { must } from './api/client';
import { useApp, useIsAdmin } from './app-context';

const MODE_KEY = ['mode'] as const;

export function HomeAwayMode() {
  const { api } = useApp();
  const admin = useIsAdmin();
  const queryClient = useQueryClient();
  const mode = useQuery({ queryKey: MODE_KEY, queryFn: async () => must(await api.GET('/mode')) });
  const set = useMutation({
    mutationFn: async (next: 'home' | 'away') => must(await api.PUT('/mode', { body: { mode: next } })),
    onSuccess: (data) => queryClient.setQueryData(MODE_KEY, data),
  });
  if (mode.error)
    return (
      <p role="alert" className="problem">
        {mode.error.message}
      </p>
    );
  if (!mode.data) return <p>Loading the home/away mode…</p>;
  const { current, schedule } = mode.data;
  return (
    <section className="home-away" aria-label="Home or away">
      <p role="status">
        Now <strong>{current === 'home' ? 'home' : 'away'}</strong>
        {mode.data.mode === 'schedule' ? ' (by schedule)' : ''}: {current === 'home' ? 'only cameras marked “alert when home” send alerts.' : 'every camera sends its alerts.'}
      </p>
      {schedule && (
        <ul className="schedule">
          {schedule.home.map((p, i) => (
            <li key={i}>
              Home {p.days.join(', ')} {p.start}–{p.end} ({schedule.timeZone})
            </li>
          ))}
        </ul>
      )}
      {admin && (
        <div className="inline">
          <button type="button" disabled={set.isPending || mode.data.mode === 'home'} onClick={() => set.mutate('home')}>
            I am home
          </button>
          <button type="button" disabled={set.isPending || mode.data.mode === 'away'} onClick={() => set.mutate('away')}>
            I am away
          </button>
        </div>
      )}
      {set.error && (
        <p role="alert" className="problem">
          {set.error.message}
        </p>
      )}
    </section>
  );
}
