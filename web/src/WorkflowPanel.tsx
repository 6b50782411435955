/** A clip's workflow: the execution as a timeline of states (status, duration bar, retries, error and cause), redrive for a failed one (admin). */
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { useMutation, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useApp, useIsAdmin } from './app-context';
import { must, type Workflow } from './api/client';
import type { AppConfig } from './config';

export function RedriveButton({ name, label = 'Redrive' }: { name: string; label?: string }) {
  const { api } = useApp();
  const queryClient = useQueryClient();
  const redrive = useMutation({
    mutationFn: async () => must(await api.POST('/executions/{name}/redrive', { params: { path: { name } } })),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  return (
    <span className="redrive">
      <button type="button" className="primary" disabled={redrive.isPending || redrive.isSuccess} onClick={() => redrive.mutate()} aria-label={`${label} ${name}`}>
        {redrive.isSuccess ? 'Redriven' : label}
      </button>
      {redrive.error && (
        <span role="alert" className="problem">
          {' '}
          {redrive.error.message}
        </span>
      )}
    </span>
  );
}

/**
 * The execution in the AWS console, in AWS only (config.json names a user pool and a region;
 * the local Step Functions has no console): undefined otherwise.
 */
export function consoleLink(config: AppConfig, executionArn: string): string | undefined {
  if (!config.userPoolId || !config.region || !executionArn.startsWith('arn:aws')) return undefined;
  const region = encodeURIComponent(config.region);
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}`;
}

export function WorkflowPanel({ clipId, workflow }: { clipId: string; workflow: UseQueryResult<Workflow, Error> }) {
  const { config } = useApp();
  const admin = useIsAdmin();
  const data = workflow.data;
  const longest = Math.max(1, ...(data?.states.map((s) => s.durationMs ?? 0) ?? [1]));
  // A link to `/clips/{id}#workflow-heading` (from Operations) lands on the panel once it is there.
  const { hash } = useLocation();
  const section = useRef<HTMLElement>(null);
  const loaded = Boolean(data);
  useEffect(() => {
    if (loaded && hash === '#workflow-heading') section.current?.scrollIntoView({ block: 'start' });
  }, [loaded, hash]);
  return (
    <section ref={section} aria-labelledby="workflow-heading" className="workflow">
      <h2 id="workflow-heading">Workflow</h2>
      {workflow.isPending && <p>Loading the workflow…</p>}
      {workflow.error && <p className="muted">{workflow.error.message}</p>}
      {data && (
        <>
          <p>
            Execution <code>{clipId}</code>: <strong className={`status status-${data.status.toLowerCase()}`}>{data.status.toLowerCase()}</strong>
            {data.redriveCount ? `, redriven ${data.redriveCount}×` : ''}
            {data.error && ` — ${data.error}${data.cause ? `: ${data.cause}` : ''}`}
          </p>
          {admin && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(data.status) && <RedriveButton name={clipId} />}
          {consoleLink(config, data.executionArn) && (
            <p>
              <a href={consoleLink(config, data.executionArn)} target="_blank" rel="noreferrer">
                Open the execution in the Step Functions console
              </a>
            </p>
          )}
          <ol className="timeline">
            {data.states.map((state, i) => (
              <li key={`${state.name}-${i}`} className={`state status-${state.status.toLowerCase()}`}>
                <span className="state-name">
                  {state.parent ? '↳ ' : ''}
                  {state.name}
                </span>
                <span className="state-status">{state.status.toLowerCase()}</span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${Math.max(2, ((state.durationMs ?? 0) / longest) * 100)}%` }} />
                </span>
                <span className="state-time">{state.durationMs !== undefined ? `${state.durationMs} ms` : 'running'}</span>
                {state.retries > 0 && (
                  <span className="state-retries">
                    {state.retries} {state.retries === 1 ? 'retry' : 'retries'}
                  </span>
                )}
                {state.error && (
                  <span className="state-error">
                    {state.error}
                    {state.cause ? `: ${state.cause}` : ''}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
