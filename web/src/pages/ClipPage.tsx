/**
 * One clip: the player, downloads, metadata, the admin's evidence hold and delete, and the
 * workflow panel. A clip still processing shows its state and becomes playable by itself.
 */
import { useCallback, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApp, useIsAdmin } from '../app-context';
import { must, type Clip } from '../api/client';
import { keys, useCameraSettings, useClip, useWorkflow } from '../api/queries';
import { Player } from '../Player';
import { WorkflowPanel } from '../WorkflowPanel';
import { formatBytes, formatDateTime, formatDuration } from '../time';

export default function ClipPage() {
  const clipId = useParams().clipId!;
  const clip = useClip(clipId);
  const queryClient = useQueryClient();
  const { refetch } = clip;
  const renew = useCallback(async () => (await refetch()).data?.playback, [refetch]);

  if (clip.isPending) return <p className="page">Loading the clip…</p>;
  if (clip.error)
    return (
      <p role="alert" className="page problem">
        {clip.error.message}
      </p>
    );
  const data = clip.data;
  return <ClipView key={clipId} clip={data} renew={renew} onChanged={() => void queryClient.invalidateQueries({ queryKey: keys.clip(clipId) })} />;
}

function ClipView({ clip, renew, onChanged }: { clip: Clip; renew: () => Promise<Clip['playback'] | undefined>; onChanged: () => void }) {
  const admin = useIsAdmin();
  const settings = useCameraSettings(clip.camera);
  const timeZone = settings.data?.timeZone ?? 'UTC';
  const neighbours = useNeighbours(clip);
  const navigate = useNavigate();
  const open = (id: string | undefined) => {
    if (id) void navigate(`/clips/${encodeURIComponent(id)}`);
  };
  const workflow = useWorkflow(clip.clipId, clip.status === 'PROCESSING');
  const playable = clip.playback.hls || clip.playback.mp4;
  const video = clip.renditions?.filter((r) => r.width && r.height).sort((a, b) => (b.height ?? 0) - (a.height ?? 0))[0];
  const source = clip.source as { sizeBytes: number; videoCodec?: string; audioCodec?: string; width?: number; height?: number; container?: string };

  return (
    <section className="page">
      <p>
        <Link to={`/cameras/${encodeURIComponent(clip.camera)}`}>← {settings.data?.displayName ?? clip.camera}</Link>
      </p>
      <h1>
        {settings.data?.displayName ?? clip.camera}, {formatDateTime(clip.capturedAt, timeZone)}
      </h1>
      {clip.status === 'PROCESSING' && <p role="status">This clip is still being processed ({workflow.data?.states.at(-1)?.name ?? 'starting'}). It plays here as soon as it is ready.</p>}
      {clip.failure && (
        <p className="problem">
          Failed: {clip.failure.error}
          {clip.failure.cause ? ` — ${clip.failure.cause}` : ''}
        </p>
      )}
      {clip.quarantine && (
        <p className="problem">
          Quarantined: {clip.quarantine.reason} — {clip.quarantine.detail}
        </p>
      )}
      {playable ? (
        <Player playback={clip.playback} durationSeconds={clip.durationSeconds} renew={renew} onPrevious={() => open(neighbours.data?.previous)} onNext={() => open(neighbours.data?.next)} />
      ) : clip.playback.poster ? (
        <img className="still" src={clip.playback.poster} alt={`Picture from ${clip.camera}`} />
      ) : null}
      <nav className="clip-nav" aria-label="Other clips">
        <button type="button" disabled={!neighbours.data?.previous} onClick={() => open(neighbours.data?.previous)}>
          ← Previous clip (j)
        </button>
        <button type="button" disabled={!neighbours.data?.next} onClick={() => open(neighbours.data?.next)}>
          Next clip (k) →
        </button>
      </nav>
      <div className="downloads">
        {clip.playback.mp4 && (
          <a href={clip.playback.mp4} download className="button">
            Download MP4
          </a>
        )}
        {clip.playback.source && (
          <a href={clip.playback.source} download className="button">
            Download original
          </a>
        )}
      </div>
      <h2>Details</h2>
      <dl className="details">
        <dt>Captured at</dt>
        <dd>{formatDateTime(clip.capturedAt, timeZone)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(clip.durationSeconds)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(source.sizeBytes)}</dd>
        <dt>Codecs</dt>
        <dd>{[source.videoCodec, source.audioCodec].filter(Boolean).join(', ') || '–'}</dd>
        <dt>Resolution</dt>
        <dd>{source.width && source.height ? `${source.width}×${source.height}` : video ? `${video.width}×${video.height}` : '–'}</dd>
        <dt>Status</dt>
        <dd>{clip.status.toLowerCase()}</dd>
        <dt>Retention</dt>
        <dd>{clip.held ? 'on evidence hold' : (clip.retentionClass ?? '–')}</dd>
      </dl>
      {admin && <AdminActions clip={clip} onChanged={onChanged} />}
      <WorkflowPanel clipId={clip.clipId} workflow={workflow} />
    </section>
  );
}

/** The previous (older) and next (newer) clip of the same camera. */
function useNeighbours(clip: Clip) {
  const { api } = useApp();
  return useQuery({
    queryKey: ['neighbours', clip.clipId, clip.capturedAt],
    queryFn: async () => {
      const [older, newer] = await Promise.all([
        api.GET('/cameras/{id}/clips', { params: { path: { id: clip.camera }, query: { to: clip.capturedAt, limit: 5 } } }).then(must),
        api.GET('/cameras/{id}/clips', { params: { path: { id: clip.camera }, query: { from: clip.capturedAt, limit: 100 } } }).then(must),
      ]);
      const previous = older.clips.find((c) => c.clipId !== clip.clipId && c.capturedAt <= clip.capturedAt)?.clipId;
      const next = [...newer.clips].reverse().find((c) => c.clipId !== clip.clipId && c.capturedAt >= clip.capturedAt)?.clipId;
      return { previous, next };
    },
  });
}

function AdminActions({ clip, onChanged }: { clip: Clip; onChanged: () => void }) {
  const { api } = useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const hold = useMutation({
    mutationFn: async (on: boolean) =>
      must(on ? await api.PUT('/clips/{id}/hold', { params: { path: { id: clip.clipId } } }) : await api.DELETE('/clips/{id}/hold', { params: { path: { id: clip.clipId } } })),
    onSuccess: onChanged,
  });
  const remove = useMutation({
    mutationFn: async () => {
      const result = await api.DELETE('/clips/{id}', { params: { path: { id: clip.clipId } } });
      if (result.response.status !== 204) must(result);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries();
      void navigate(`/cameras/${encodeURIComponent(clip.camera)}`);
    },
  });
  return (
    <section aria-labelledby="admin-heading" className="admin">
      <h2 id="admin-heading">Evidence</h2>
      <p>{clip.held ? 'This clip is on evidence hold: no one can delete or overwrite it.' : 'Hold this clip as evidence to keep it whatever its retention.'}</p>
      <div className="actions">
        <button type="button" className="primary" disabled={hold.isPending} onClick={() => hold.mutate(!clip.held)}>
          {clip.held ? 'Release hold' : 'Hold as evidence'}
        </button>
        {!confirming ? (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete clip
          </button>
        ) : (
          <span role="group" aria-label="Confirm deletion">
            <span>Delete this clip and all its files for good? </span>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
              Yes, delete
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
      </div>
      {(hold.error || remove.error) && (
        <p role="alert" className="problem">
          {(hold.error ?? remove.error)!.message}
        </p>
      )}
    </section>
  );
}
