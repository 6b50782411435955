/** Operations: clips that failed, were quarantined or are still processing, and recent executions by status, each linking to its clip and workflow panel; redrive from here (admin). */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApp, useIsAdmin } from '../app-context';
import { must, type ClipSummary } from '../api/client';
import { keys } from '../api/queries';
import { RedriveButton } from '../WorkflowPanel';

const SECTIONS = [
  { status: 'FAILED', title: 'Failed clips' },
  { status: 'QUARANTINED', title: 'Quarantined clips' },
  { status: 'PROCESSING', title: 'Still processing' },
] as const;

export function OperationsPage() {
  return (
    <section className="page">
      <h1>Operations</h1>
      {SECTIONS.map((s) => (
        <StatusSection key={s.status} status={s.status} title={s.title} />
      ))}
      {EXECUTION_SECTIONS.map((s) => (
        <RecentExecutions key={s.status} {...s} />
      ))}
    </section>
  );
}

function StatusSection({ status, title }: { status: (typeof SECTIONS)[number]['status']; title: string }) {
  const { api } = useApp();
  const clips = useQuery({
    queryKey: keys.statusClips(status),
    queryFn: async () => must(await api.GET('/clips', { params: { query: { status, limit: 100 } } })).clips,
    refetchInterval: status === 'PROCESSING' ? 5000 : false,
  });
  return (
    <section aria-labelledby={`ops-${status}`}>
      <h2 id={`ops-${status}`}>
        {title} {clips.data ? `(${clips.data.length})` : ''}
      </h2>
      {clips.error && (
        <p role="alert" className="problem">
          {clips.error.message}
        </p>
      )}
      {clips.data?.length === 0 && <p className="muted">None.</p>}
      <ul className="ops-list">
        {clips.data?.map((clip) => (
          <OperationsClip key={clip.clipId} clip={clip} />
        ))}
      </ul>
    </section>
  );
}

/** One clip: its error (from the clip itself), a link to it and its workflow, redrive for an admin. */
function OperationsClip({ clip }: { clip: ClipSummary }) {
  const { api } = useApp();
  const admin = useIsAdmin();
  const detail = useQuery({ queryKey: keys.clip(clip.clipId), queryFn: async () => must(await api.GET('/clips/{id}', { params: { path: { id: clip.clipId } } })), staleTime: 60_000 });
  const problem = detail.data?.failure
    ? `${detail.data.failure.error}${detail.data.failure.cause ? `: ${detail.data.failure.cause}` : ''}`
    : detail.data?.quarantine
      ? `${detail.data.quarantine.reason}: ${detail.data.quarantine.detail}`
      : undefined;
  return (
    <li className="ops-item">
      <Link to={`/clips/${encodeURIComponent(clip.clipId)}`}>
        {clip.camera} · {new Date(clip.capturedAt).toLocaleString()}
      </Link>
      <span className={`status status-${clip.status.toLowerCase()}`}>{clip.status.toLowerCase()}</span>
      {problem && <span className="ops-error">{problem}</span>}
      <Link to={`/clips/${encodeURIComponent(clip.clipId)}#workflow-heading`}>Workflow</Link>
      {admin && clip.status !== 'PROCESSING' && <RedriveButton name={clip.clipId} />}
    </li>
  );
}

/** Executions by status, newest first: the status names Step Functions gives them. */
const EXECUTION_SECTIONS = [
  { status: 'RUNNING', title: 'Running executions' },
  { status: 'FAILED', title: 'Failed executions' },
  { status: 'TIMED_OUT', title: 'Timed-out executions' },
  { status: 'ABORTED', title: 'Aborted executions' },
  { status: 'SUCCEEDED', title: 'Succeeded executions' },
] as const;
const RECENT_EXECUTIONS = 20;

function RecentExecutions({ status, title }: (typeof EXECUTION_SECTIONS)[number]) {
  const { api } = useApp();
  const admin = useIsAdmin();
  const executions = useQuery({
    queryKey: keys.executions(status),
    queryFn: async () => must(await api.GET('/executions', { params: { query: { status, limit: RECENT_EXECUTIONS } } })).executions,
    refetchInterval: status === 'RUNNING' ? 5000 : false,
  });
  const id = `ops-executions-${status.toLowerCase()}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} {executions.data ? `(${executions.data.length}${executions.data.length === RECENT_EXECUTIONS ? ', the latest' : ''})` : ''}
      </h2>
      {executions.error && (
        <p role="alert" className="problem">
          {executions.error.message}
        </p>
      )}
      {executions.data?.length === 0 && <p className="muted">None.</p>}
      <ul className="ops-list">
        {executions.data?.map((e) => {
          const clip = encodeURIComponent(e.clipId ?? e.name);
          return (
            <li key={e.executionArn} className="ops-item ops-execution">
              <Link to={`/clips/${clip}`}>{e.name}</Link>
              <span className={`status status-${e.status.toLowerCase()}`}>{e.status.toLowerCase().replace('_', ' ')}</span>
              <span className="muted">{e.stoppedAt ? new Date(e.stoppedAt).toLocaleString() : e.startedAt ? `started ${new Date(e.startedAt).toLocaleString()}` : ''}</span>
              {e.redriveCount ? <span className="badge">redriven {e.redriveCount}×</span> : null}
              <Link to={`/clips/${clip}#workflow-heading`} aria-label={`Workflow of ${e.name}`}>
                Workflow
              </Link>
              {admin && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(status) && <RedriveButton name={e.clipId ?? e.name} label="Redrive execution" />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
