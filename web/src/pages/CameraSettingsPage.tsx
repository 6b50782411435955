/**
 * A camera's settings: admins change them, viewers read them. Checked before sending; the
 * API's own field errors (400 with `field`) are shown beside their field.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, must, type CameraSettings } from '../api/client';
import { useApp, useIsAdmin } from '../app-context';
import { keys, useCameraSettings } from '../api/queries';

interface Draft {
  displayName: string;
  retentionClass: string;
  alertsEnabled: boolean;
  alertChannels: 'email' | 'sms' | 'both' | 'none';
  alertWhenHome: boolean;
  cooldownSeconds: string;
  quietHoursOn: boolean;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
}

type Field = 'displayName' | 'retentionClass' | 'alertsEnabled' | 'alertChannels' | 'alertWhenHome' | 'cooldownSeconds' | 'quietHours' | 'timeZone';

function draftOf(s: CameraSettings): Draft {
  return {
    displayName: s.displayName,
    retentionClass: s.retentionClass === 'hold' ? 'standard' : s.retentionClass,
    alertsEnabled: s.alertsEnabled,
    alertChannels: s.alertChannels ?? 'both',
    alertWhenHome: s.alertWhenHome ?? false,
    cooldownSeconds: String(s.cooldownSeconds),
    quietHoursOn: Boolean(s.quietHours),
    quietStart: s.quietHours?.start ?? '22:00',
    quietEnd: s.quietHours?.end ?? '07:00',
    timeZone: s.timeZone,
  };
}

/** What is wrong with the draft, by field, before anything is sent. */
export function draftProblems(d: Draft, zones: readonly string[]): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  const name = d.displayName.trim();
  if (!name) problems.displayName = 'Give the camera a name.';
  else if (name.length > 80) problems.displayName = 'At most 80 characters.';
  else if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(name)) problems.displayName = 'No line breaks or control characters.';
  if (!/^\d+$/.test(d.cooldownSeconds) || Number(d.cooldownSeconds) > 86_400) problems.cooldownSeconds = 'Whole seconds from 0 to 86400 (a day).';
  if (d.quietHoursOn && !(/^([01]\d|2[0-3]):[0-5]\d$/.test(d.quietStart) && /^([01]\d|2[0-3]):[0-5]\d$/.test(d.quietEnd))) problems.quietHours = 'Give a start and an end time (HH:MM).';
  if (zones.length > 0 && !zones.includes(d.timeZone) && d.timeZone !== 'UTC') problems.timeZone = 'Choose a time zone from the list, e.g. Europe/Paris.';
  return problems;
}

const zonesList = (): string[] => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

export function CameraSettingsPage() {
  const camera = useParams().camera!;
  const settings = useCameraSettings(camera);
  const admin = useIsAdmin();
  const { api } = useApp();
  const queryClient = useQueryClient();
  const zones = useMemo(() => zonesList(), []);
  // The form shows the saved settings until the owner changes something; then their draft.
  const [edited, setDraft] = useState<Draft>();
  const draft = edited ?? (settings.data ? draftOf(settings.data) : undefined);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: async (d: Draft) =>
      must(
        await api.PUT('/cameras/{id}/settings', {
          params: { path: { id: camera } },
          body: {
            displayName: d.displayName.trim(),
            retentionClass: d.retentionClass as 'short' | 'standard' | 'archive',
            alertsEnabled: d.alertsEnabled,
            alertChannels: d.alertChannels,
            alertWhenHome: d.alertWhenHome,
            cooldownSeconds: Number(d.cooldownSeconds),
            quietHours: d.quietHoursOn ? { start: d.quietStart, end: d.quietEnd } : null,
            timeZone: d.timeZone,
          },
        }),
      ),
    onSuccess: (next) => {
      queryClient.setQueryData(keys.camera(camera), next);
      void queryClient.invalidateQueries({ queryKey: keys.cameras });
      setDraft(draftOf(next));
      setSaved(true);
    },
    onError: (error) => {
      if (error instanceof ApiProblem && error.field) {
        const field = error.field.split('.')[0] as Field;
        setProblems({ [field]: error.message.replace(new RegExp(`^${error.field}: `), '') });
      }
    },
  });

  if (settings.error)
    return (
      <p role="alert" className="page problem">
        {settings.error.message}
      </p>
    );
  if (!draft) return <p className="page">Loading settings…</p>;
  const set = (changes: Partial<Draft>) => {
    setDraft({ ...draft, ...changes });
    setSaved(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = draftProblems(draft, zones);
    setProblems(found);
    if (Object.keys(found).length === 0) save.mutate(draft);
  };
  const describe = (field: Field) => (problems[field] ? { 'aria-invalid': true, 'aria-describedby': `${field}-problem` } : {});
  const problem = (field: Field) =>
    problems[field] && (
      <span id={`${field}-problem`} className="field-problem">
        {problems[field]}
      </span>
    );

  return (
    <section className="page narrow">
      <p>
        <Link to={`/cameras/${encodeURIComponent(camera)}`}>← Clips</Link>
      </p>
      <h1>Settings of {settings.data?.displayName ?? camera}</h1>
      {!admin && <p className="muted">Only an admin can change these settings.</p>}
      <form onSubmit={submit} className="form" noValidate>
        <fieldset disabled={!admin || save.isPending}>
          <legend className="sr-only">Camera settings</legend>
          <div className="field">
            <label htmlFor="displayName">Display name</label>
            <input id="displayName" value={draft.displayName} maxLength={120} onChange={(e) => set({ displayName: e.target.value })} {...describe('displayName')} />
            {problem('displayName')}
          </div>
          <div className="field">
            <label htmlFor="retentionClass">Retention</label>
            <select id="retentionClass" value={draft.retentionClass} onChange={(e) => set({ retentionClass: e.target.value })} {...describe('retentionClass')}>
              <option value="short">Short (a week)</option>
              <option value="standard">Standard (a year, archived after 30 days)</option>
              <option value="archive">Archive (7 years)</option>
            </select>
            {problem('retentionClass')}
          </div>
          <div className="field check">
            <input id="alertsEnabled" type="checkbox" checked={draft.alertsEnabled} onChange={(e) => set({ alertsEnabled: e.target.checked })} />
            <label htmlFor="alertsEnabled">Send motion alerts</label>
            {problem('alertsEnabled')}
          </div>
          <div className="field">
            <label htmlFor="alertChannels">Alert by</label>
            <select id="alertChannels" value={draft.alertChannels} onChange={(e) => set({ alertChannels: e.target.value as Draft['alertChannels'] })} {...describe('alertChannels')}>
              <option value="both">E-mail and SMS</option>
              <option value="email">E-mail only</option>
              <option value="sms">SMS only</option>
              <option value="none">Neither (no alerts)</option>
            </select>
            {problem('alertChannels')}
          </div>
          <div className="field check">
            <input id="alertWhenHome" type="checkbox" checked={draft.alertWhenHome} onChange={(e) => set({ alertWhenHome: e.target.checked })} />
            <label htmlFor="alertWhenHome">Alert when home too (outdoor cameras)</label>
            {problem('alertWhenHome')}
          </div>
          <div className="field">
            <label htmlFor="cooldownSeconds">Cooldown between alerts (seconds)</label>
            <input id="cooldownSeconds" inputMode="numeric" value={draft.cooldownSeconds} onChange={(e) => set({ cooldownSeconds: e.target.value })} {...describe('cooldownSeconds')} />
            {problem('cooldownSeconds')}
          </div>
          <div className="field check">
            <input id="quietHoursOn" type="checkbox" checked={draft.quietHoursOn} onChange={(e) => set({ quietHoursOn: e.target.checked })} />
            <label htmlFor="quietHoursOn">Quiet hours (no alerts)</label>
          </div>
          {draft.quietHoursOn && (
            <div className="field inline">
              <label htmlFor="quietStart">From</label>
              <input id="quietStart" type="time" value={draft.quietStart} onChange={(e) => set({ quietStart: e.target.value })} {...describe('quietHours')} />
              <label htmlFor="quietEnd">to</label>
              <input id="quietEnd" type="time" value={draft.quietEnd} onChange={(e) => set({ quietEnd: e.target.value })} {...describe('quietHours')} />
              {problem('quietHours')}
            </div>
          )}
          <div className="field">
            <label htmlFor="timeZone">Time zone</label>
            <input id="timeZone" list="time-zones" value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })} {...describe('timeZone')} />
            <datalist id="time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {problem('timeZone')}
          </div>
          {admin && (
            <button type="submit" className="primary">
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
          )}
        </fieldset>
        {saved && <p role="status">Saved.</p>}
        {save.error && !(save.error instanceof ApiProblem && save.error.field) && (
          <p role="alert" className="problem">
            {save.error.message}
          </p>
        )}
      </form>
    </section>
  );
}
