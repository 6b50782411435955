/**
 * A camera's clips, newest first, grouped by day in the camera's time zone: a virtualized
 * list (smooth with 10,000 clips) that asks for the next page by cursor as you near its end;
 * jump to a date; filter by status.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ClipSummary } from '../api/client';
import { useCameraClips, useCameraSettings } from '../api/queries';
import { dayIn, endOfDay, formatDay, formatDuration, formatTime } from '../time';

const STATUSES = ['FAILED', 'QUARANTINED', 'PROCESSING'] as const;
type StatusFilter = (typeof STATUSES)[number];

export type ClipRow = { kind: 'day'; day: string } | { kind: 'clip'; clip: ClipSummary };

/**
 * Each clip's day, worked out once per clip object: the list regroups all its clips whenever
 * a page arrives, and pages already loaded keep their objects (the query cache shares them).
 */
const daysOfClips = new WeakMap<ClipSummary, { timeZone: string; day: string }>();
function dayOfClip(clip: ClipSummary, timeZone: string): string {
  const known = daysOfClips.get(clip);
  if (known?.timeZone === timeZone) return known.day;
  const day = dayIn(clip.capturedAt, timeZone);
  daysOfClips.set(clip, { timeZone, day });
  return day;
}

/** Day headings between the clips, in the camera's time zone (clips arrive newest first). */
export function rowsByDay(clips: ClipSummary[], timeZone: string): ClipRow[] {
  const rows: ClipRow[] = [];
  let current: string | undefined;
  for (const clip of clips) {
    const day = dayOfClip(clip, timeZone);
    if (day !== current) {
      rows.push({ kind: 'day', day });
      current = day;
    }
    rows.push({ kind: 'clip', clip });
  }
  return rows;
}

export function CameraClipsPage() {
  const camera = useParams().camera!;
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = STATUSES.includes(statusParam as StatusFilter) ? (statusParam as StatusFilter) : undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date')! : undefined;
  const settings = useCameraSettings(camera);
  const timeZone = settings.data?.timeZone ?? 'UTC';
  const to = date && !status ? endOfDay(date, timeZone) : undefined;
  const clips = useCameraClips(camera, { status, to });
  const rows = useMemo(() => rowsByDay(clips.data?.pages.flatMap((p) => p.clips) ?? [], timeZone), [clips.data, timeZone]);
  const [dateInput, setDateInput] = useState(date ?? '');

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === 'day' ? 44 : 84),
    overscan: 8,
    initialRect: { width: 360, height: 640 },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 10 && clips.hasNextPage && !clips.isFetchingNextPage) void clips.fetchNextPage();
  }, [lastIndex, rows.length, clips]);

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  return (
    <section className="page">
      <div className="title-row">
        <h1>{settings.data?.displayName ?? camera}</h1>
        <Link to={`/cameras/${encodeURIComponent(camera)}/settings`}>Settings</Link>
      </div>
      <p className="muted">Times in {timeZone}.</p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ date: dateInput || undefined });
        }}
      >
        <div className="field inline">
          <label htmlFor="jump-date">Jump to date</label>
          <input id="jump-date" type="date" value={dateInput} onChange={(e) => setDateInput(e.target.value)} />
          <button type="submit">Go</button>
          {date && (
            <button
              type="button"
              onClick={() => {
                setDateInput('');
                update({ date: undefined });
              }}
            >
              Newest
            </button>
          )}
        </div>
        <div className="field inline">
          <label htmlFor="status-filter">Status</label>
          <select id="status-filter" value={status ?? ''} onChange={(e) => update({ status: e.target.value || undefined })}>
            <option value="">All clips</option>
            <option value="FAILED">Failed</option>
            <option value="QUARANTINED">Quarantined</option>
            <option value="PROCESSING">Processing</option>
          </select>
        </div>
      </form>
      {clips.error && (
        <p role="alert" className="problem">
          {clips.error.message}
        </p>
      )}
      {clips.isPending && <p>Loading clips…</p>}
      {!clips.isPending && rows.length === 0 && (
        <p>
          No clips{status ? ` with status ${status.toLowerCase()}` : ''}
          {date ? ` on or before ${date}` : ''}.
        </p>
      )}
      <div ref={scroller} className="clip-scroller" role="region" aria-label="Clips" tabIndex={0}>
        <ul style={{ height: virtualizer.getTotalSize(), position: 'relative' }} className="clip-list">
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <li
                key={row.kind === 'day' ? `day-${row.day}` : row.clip.clipId}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={row.kind === 'day' ? 'day-heading' : 'clip-row'}
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'day' ? <h2>{formatDay(row.day)}</h2> : <ClipRowView clip={row.clip} timeZone={timeZone} scrolling={virtualizer.isScrolling} />}
              </li>
            );
          })}
        </ul>
        {clips.isFetchingNextPage && <p className="muted">Loading more…</p>}
      </div>
    </section>
  );
}

/**
 * One clip in the list. A row that appears while the list is being scrolled shows its poster
 * once the list comes to rest: decoding the posters of every row flown past would stall the scroll.
 */
function ClipRowView({ clip, timeZone, scrolling }: { clip: ClipSummary; timeZone: string; scrolling: boolean }) {
  const [showPoster, setShowPoster] = useState(!scrolling);
  // Once the list has come to rest the poster stays (state adjusted while rendering, not in an effect).
  if (!scrolling && !showPoster) setShowPoster(true);
  return (
    <Link to={`/clips/${encodeURIComponent(clip.clipId)}`} className="clip-link">
      {clip.posterUrl && showPoster ? (
        <img className="clip-poster" src={clip.posterUrl} alt="" width={96} height={54} loading="lazy" decoding="async" />
      ) : (
        <span className="clip-poster" aria-hidden="true" />
      )}
      <span className="clip-time">{formatTime(clip.capturedAt, timeZone)}</span>
      <span>{formatDuration(clip.durationSeconds)}</span>
      <span className={`status status-${clip.status.toLowerCase()}`}>{clip.status.toLowerCase()}</span>
      {clip.held && <span className="badge">held</span>}
    </Link>
  );
}
