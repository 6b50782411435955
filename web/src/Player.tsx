/**
 * The clip player: poster before play; HLS natively where the browser plays it (Safari),
 * else hls.js (loaded only now), else the MP4; quality levels; a seek bar with a preview from
 * the clip's scrub sprite (one JPEG of every thumbnail, shown cell by cell through CSS
 * background position; older clips: one JPEG each) while hovering or dragging; keys: space, ←/→ 5 s, f full screen.
 * A playback link that expired (15 min) is renewed: the clip is asked for again and playback
 * goes on from the same position.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Clip } from './api/client';
import { formatDuration } from './time';
import { useLatest } from './use-latest';

type Playback = Clip['playback'];
export type Format = 'hls' | 'mp4';
type HlsInstance = {
  destroy(): void;
  levels: Array<{ height?: number; bitrate?: number }>;
  currentLevel: number;
  on(event: string, cb: (event: string, data: { fatal?: boolean; type?: string; response?: { code?: number } }) => void): void;
};

/** The thumbnail to show for a position: the last one taken at or before it. */
export function thumbnailAt(thumbnails: Playback['thumbnails'], seconds: number): string | undefined {
  if (!thumbnails?.length) return undefined;
  let chosen = thumbnails[0]!;
  for (const t of thumbnails) if (t.atSeconds <= seconds) chosen = t;
  return chosen.url;
}

/** Width the scrub preview is shown at, px (the sprite's cells are scaled to it). */
export const PREVIEW_WIDTH = 160;

/**
 * The sprite cell to show for a position — the last thumbnail taken at or before it — as
 * the CSS that shows only that cell at PREVIEW_WIDTH: the whole sprite scaled, shifted left
 * and up to the cell.
 */
export function spriteCellAt(
  scrub: Playback['scrub'],
  seconds: number,
): { index: number; style: { width: string; height: string; backgroundImage: string; backgroundSize: string; backgroundPosition: string; backgroundRepeat: 'no-repeat' } } | undefined {
  if (!scrub?.times.length) return undefined;
  let index = 0;
  scrub.times.forEach((t, i) => {
    if (t <= seconds) index = i;
  });
  const scale = PREVIEW_WIDTH / scrub.tileWidth;
  const [w, h] = [PREVIEW_WIDTH, Math.round(scrub.tileHeight * scale)];
  const [column, row] = [index % scrub.columns, Math.floor(index / scrub.columns)];
  return {
    index,
    style: {
      width: `${w}px`,
      height: `${h}px`,
      backgroundImage: `url("${scrub.spriteUrl}")`,
      backgroundSize: `${scrub.columns * w}px ${scrub.rows * h}px`,
      backgroundPosition: `-${column * w}px -${row * h}px`,
      backgroundRepeat: 'no-repeat',
    },
  };
}

/** Links are renewed when they have expired (or are about to): a failure before that is not theirs. */
export function linksExpired(playback: Pick<Playback, 'expiresAt'>, now = Date.now()): boolean {
  return now >= Date.parse(playback.expiresAt) - 30_000;
}

/**
 * Native HLS only where hls.js cannot run (no Media Source Extensions: Safari on iPhone).
 * Chromium answers "maybe" for HLS too, but its own player is young; hls.js plays it better
 * and offers the quality levels.
 */
function playsHlsNatively(element: HTMLVideoElement): boolean {
  return element.canPlayType('application/vnd.apple.mpegurl') !== '' && typeof window.MediaSource === 'undefined';
}

/** Where a video is, to go on from there once the next source is attached (see `resumeAt`). */
function heldPosition(element: HTMLVideoElement | null, after: number, play = !(element?.paused ?? true)) {
  return { time: element?.currentTime ?? 0, play, after };
}

export function Player(props: {
  playback: Playback;
  durationSeconds?: number;
  /** Ask the API for the clip again: fresh links. */
  renew: () => Promise<Playback | undefined>;
  onPrevious?: () => void;
  onNext?: () => void;
}) {
  const { playback, renew } = props;
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const hls = useRef<HlsInstance | undefined>(undefined);
  const [format, setFormat] = useState<Format>(playback.hls ? 'hls' : 'mp4');
  const [levels, setLevels] = useState<Array<{ index: number; label: string }>>([]);
  const [level, setLevel] = useState(-1);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(props.durationSeconds ?? 0);
  const [playing, setPlaying] = useState(false);
  const [preview, setPreview] = useState<{ seconds: number; left: number } | undefined>();
  const [notice, setNotice] = useState<string>();
  // Where to go on after the source changed (renewed links, another format): for a source
  // attached after the one playing when it was asked (`after`, a count of attachments). The
  // source being replaced may still load its metadata meanwhile (a slow first load, renewed
  // links on their way): it must not take the position and play, then be swapped out paused.
  const resumeAt = useRef<{ time: number; play: boolean; after: number } | undefined>(undefined);
  const attachments = useRef(0);
  const renewing = useRef(false);

  const sourceUrl = format === 'hls' ? playback.hls : playback.mp4;
  const playbackRef = useLatest(playback);
  /** HLS failed for another reason than expired links: the MP4, from the same position. */
  const fallBack = useCallback(() => {
    resumeAt.current = heldPosition(video.current, attachments.current);
    if (playbackRef.current.mp4) setFormat((current) => (current === 'hls' ? 'mp4' : current));
    else setNotice('This clip cannot be played in this browser.');
  }, [playbackRef]);

  const renewAndResume = useCallback(async () => {
    const element = video.current;
    if (!element || renewing.current) return;
    renewing.current = true;
    // A position still waiting for its source (a switch that failed to load) is the one to go back to.
    resumeAt.current ??= heldPosition(element, attachments.current);
    try {
      await renew();
    } finally {
      renewing.current = false;
    }
  }, [renew]);

  // Attach the source: native HLS, hls.js, or the MP4.
  useEffect(() => {
    const element = video.current;
    if (!element || !sourceUrl) return;
    let cancelled = false;
    const attachment = ++attachments.current;
    const resume = () => {
      const at = resumeAt.current;
      if (!at || at.after >= attachment) return;
      resumeAt.current = undefined;
      if (at.time > 0) element.currentTime = at.time;
      if (at.play) void element.play().catch(() => undefined);
    };
    element.addEventListener('loadedmetadata', resume, { once: true });
    if (format === 'hls' && !playsHlsNatively(element)) {
      void import('hls.js').then(({ default: Hls }) => {
        if (cancelled) return;
        if (!Hls.isSupported()) {
          setFormat('mp4');
          return;
        }
        const instance = new Hls({ enableWorker: true }) as unknown as HlsInstance & { loadSource(u: string): void; attachMedia(v: HTMLVideoElement): void };
        hls.current = instance;
        instance.on(Hls.Events.MANIFEST_PARSED, () => {
          setLevels(instance.levels.map((l, index) => ({ index, label: l.height ? `${l.height}p` : `${Math.round((l.bitrate ?? 0) / 1000)} kbit/s` })));
        });
        instance.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          // A 403 from S3 or the playlist route once the links expired: renew. Anything else: the MP4.
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR && linksExpired(playbackRef.current)) void renewAndResume();
          else fallBack();
        });
        instance.loadSource(sourceUrl);
        instance.attachMedia(element);
      });
    } else {
      element.src = sourceUrl;
    }
    return () => {
      cancelled = true;
      element.removeEventListener('loadedmetadata', resume);
      hls.current?.destroy();
      hls.current = undefined;
      setLevels([]);
    };
  }, [format, sourceUrl, renewAndResume, fallBack, playbackRef]);

  const toggle = () => {
    const element = video.current;
    if (!element) return;
    if (element.paused) {
      // After a long pause the links may have expired: renew first, then play from here.
      if (Date.parse(playback.expiresAt) - Date.now() < 5000) {
        resumeAt.current = heldPosition(element, attachments.current, true);
        void renewAndResume();
      } else void element.play().catch(() => undefined);
    } else element.pause();
  };
  const seekBy = (delta: number) => {
    const element = video.current;
    if (element) element.currentTime = Math.min(Math.max(0, element.currentTime + delta), element.duration || duration);
  };
  const fullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frame.current?.requestFullscreen?.().catch(() => undefined);
  };
  const onKey = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).tagName === 'SELECT') return;
    const handled: Record<string, () => void> = {
      ' ': toggle,
      ArrowLeft: () => seekBy(-5),
      ArrowRight: () => seekBy(5),
      f: fullScreen,
      j: () => props.onPrevious?.(),
      k: () => props.onNext?.(),
    };
    const action = handled[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };

  const hover = (clientX: number, bar: HTMLElement) => {
    const rect = bar.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (clientX - rect.left) / (rect.width || 1)));
    setPreview({ seconds: ratio * (duration || 0), left: ratio * 100 });
  };
  const previewCell = preview ? spriteCellAt(playback.scrub, preview.seconds) : undefined;
  const previewUrl = preview && !previewCell ? thumbnailAt(playback.thumbnails, preview.seconds) : undefined;

  return (
    <div
      className="player"
      ref={frame}
      onKeyDown={onKey}
      tabIndex={0}
      role="group"
      aria-label="Clip player. Space plays or pauses, arrows seek 5 seconds, j and k open the previous and next clip, f is full screen."
    >
      <video
        ref={video}
        poster={playback.poster}
        playsInline
        preload="metadata"
        onClick={toggle}
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        // A new source (another format, renewed links) stops playback without a 'pause' event
        // when a play() was still pending (the HTML load algorithm): read the element again.
        onEmptied={(e) => setPlaying(!e.currentTarget.paused)}
        onAbort={(e) => setPlaying(!e.currentTarget.paused)}
        onLoadStart={(e) => setPlaying(!e.currentTarget.paused)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onDurationChange={(e) => Number.isFinite(e.currentTarget.duration) && setDuration(e.currentTarget.duration)}
        onError={() => {
          // The MP4 (or native HLS) link expired, e.g. at a seek after a long pause: renew.
          if (!video.current?.error || renewing.current || hls.current) return;
          if (linksExpired(playbackRef.current)) void renewAndResume();
          else if (format === 'hls') fallBack();
          else setNotice('This clip cannot be played in this browser: download the MP4.');
        }}
        data-format={format}
      />
      <div className="controls">
        <button type="button" onClick={toggle} aria-label={playing ? 'Pause' : 'Play'}>
          {playing ? '❚❚' : '▶'}
        </button>
        <div className="seek">
          {preview && (previewCell || previewUrl) && (
            <div className="scrub-preview" style={{ left: `${preview.left}%` }} data-testid="scrub-preview">
              {previewCell ? (
                <div className="scrub-cell" role="img" aria-label={`Preview at ${formatDuration(preview.seconds)}`} data-cell={previewCell.index} style={previewCell.style} />
              ) : (
                <img src={previewUrl} alt={`Preview at ${formatDuration(preview.seconds)}`} />
              )}
              <span>{formatDuration(preview.seconds)}</span>
            </div>
          )}
          <input
            type="range"
            aria-label="Position"
            min={0}
            max={duration || 0}
            step={0.1}
            value={Math.min(time, duration || 0)}
            onPointerMove={(e) => hover(e.clientX, e.currentTarget)}
            onPointerLeave={() => setPreview(undefined)}
            onInput={(e) => {
              const value = Number(e.currentTarget.value);
              setPreview({ seconds: value, left: (value / (duration || 1)) * 100 });
            }}
            onChange={(e) => {
              if (video.current) video.current.currentTime = Number(e.target.value);
            }}
          />
        </div>
        <span className="clock" aria-live="off">
          {formatDuration(time)} / {formatDuration(duration)}
        </span>
        <label className="sr-only" htmlFor="format">
          Format
        </label>
        <select
          id="format"
          value={format}
          onChange={(e) => {
            resumeAt.current = heldPosition(video.current, attachments.current);
            setFormat(e.target.value as Format);
          }}
        >
          {playback.hls && <option value="hls">HLS</option>}
          {playback.mp4 && <option value="mp4">MP4</option>}
        </select>
        {levels.length > 1 && (
          <>
            <label className="sr-only" htmlFor="quality">
              Quality
            </label>
            <select
              id="quality"
              value={level}
              onChange={(e) => {
                const next = Number(e.target.value);
                setLevel(next);
                if (hls.current) hls.current.currentLevel = next;
              }}
            >
              <option value={-1}>Auto</option>
              {levels.map((l) => (
                <option key={l.index} value={l.index}>
                  {l.label}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="button" onClick={fullScreen} aria-label="Full screen">
          <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" />
          </svg>
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
