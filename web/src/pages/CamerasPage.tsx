/** Every camera: its latest poster, name, last clip (in words and in its time zone), today's clips, a warning when the last clip failed. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApp } from '../app-context';
import { must, type Camera } from '../api/client';
import { useCameras } from '../api/queries';
import { dayIn, formatDateTime, startOfDay, timeAgo } from '../time';
import { CameraCost } from '../CameraCost';

export function CamerasPage() {
  const cameras = useCameras();
  return (
    <section className="page">
      <h1>Cameras</h1>
      {cameras.isPending && <p>Loading cameras…</p>}
      {cameras.error && (
        <p role="alert" className="problem">
          {cameras.error.message}
        </p>
      )}
      {cameras.data?.length === 0 && <p>No camera has uploaded yet. Upload a clip to the uploads bucket under a folder named after the camera.</p>}
      <ul className="camera-grid">
        {cameras.data?.map((camera) => (
          <li key={camera.id}>
            <CameraCard camera={camera} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function CameraCard({ camera }: { camera: Camera }) {
  const { api } = useApp();
  const timeZone = camera.settings.timeZone;
  // The latest clip (for its poster and status) and today's count, in the camera's time zone.
  const latest = useQuery({
    queryKey: ['camera-latest', camera.id, camera.lastClipAt],
    queryFn: async () => {
      // The newest clip says the status; the newest one with a picture gives the poster (its
      // presigned URL comes with the list: no call per clip).
      const page = must(await api.GET('/cameras/{id}/clips', { params: { path: { id: camera.id }, query: { limit: 10 } } }));
      const clip = page.clips[0];
      if (!clip) return undefined;
      const pictured = page.clips.find((c) => c.posterUrl && (c.status === 'READY' || c.kind === 'still'));
      return { clip, poster: pictured?.posterUrl };
    },
  });
  const today = useQuery({
    queryKey: ['camera-today', camera.id, camera.lastClipAt],
    queryFn: async () => {
      const from = startOfDay(dayIn(new Date(), timeZone), timeZone);
      const page = must(await api.GET('/cameras/{id}/clips', { params: { path: { id: camera.id }, query: { from, limit: 100 } } }));
      return page.cursor ? '100+' : String(page.clips.length);
    },
  });
  const status = latest.data?.clip.status;
  const warning = status === 'FAILED' || status === 'QUARANTINED';
  return (
    <Link to={`/cameras/${encodeURIComponent(camera.id)}`} className="camera-card">
      <div className="poster">
        {latest.data?.poster ? <img src={latest.data.poster} alt="" loading="lazy" /> : <span className="no-poster">No picture yet</span>}
        {warning && <span className="badge warn">Last clip {status === 'FAILED' ? 'failed' : 'quarantined'}</span>}
      </div>
      <h2>{camera.displayName}</h2>
      <p>
        {camera.lastClipAt ? (
          <>
            Last clip {timeAgo(camera.lastClipAt)}
            <br />
            <time dateTime={camera.lastClipAt}>{formatDateTime(camera.lastClipAt, timeZone)}</time>
          </>
        ) : (
          'No clip yet'
        )}
      </p>
      <p>Today: {today.data ?? '…'} clips</p>
      <CameraCost camera={camera} />
    </Link>
  );
}
