// @vitest-environment happy-dom
/**
 * The app's views in a DOM (happy-dom), against an in-memory stand-in for the API that answers
 * as the real one does (the real API and a real browser: integ-tests/web-app.e2e.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { App, newQueryClient } from './App';
import { readSession, renewAt, writeSession } from './session';
import { safeNext } from './pages/SignInPage';
import { refusalSentence } from './auth/new-password';
import { rowsByDay } from './pages/CameraClipsPage';
import { draftProblems } from './pages/CameraSettingsPage';
import { spriteCellAt, thumbnailAt } from './Player';
import { consoleLink } from './WorkflowPanel';
import { formatMonthCost } from './CameraCost';
import { dayIn, endOfDay, startOfDay, timeAgo } from './time';
import type { ClipSummary } from './api/client';

const API = 'http://api.test';
const settings = { displayName: 'Porch', retentionClass: 'standard', alertsEnabled: true, cooldownSeconds: 300, timeZone: 'Europe/Paris' };

interface Call {
  method: string;
  path: string;
  auth: string | null;
  body?: unknown;
}

/** An API stand-in: `valid` tokens pass, anything else is a 401, as the API answers. */
function fakeApi(options: { valid: Record<string, 'admin' | 'viewer'>; onPut?: (body: unknown) => Response | undefined }) {
  const calls: Call[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.method === 'GET' ? undefined : await request.json().catch(() => undefined);
    const auth = request.headers.get('authorization');
    calls.push({ method: request.method, path: url.pathname + url.search, auth, body });
    if (url.pathname === '/auth/login') {
      const { username, password } = body as { username: string; password: string };
      if (password !== 'a long passphrase') return json(401, { code: 'BAD_CREDENTIALS', message: 'Wrong user name or password.' });
      return json(200, { token: `token-${username}`, tokenType: 'Bearer', expiresIn: 3600, role: options.valid[`token-${username}`] ?? 'viewer' });
    }
    const token = auth?.replace(/^Bearer /, '') ?? '';
    if (!options.valid[token]) return json(401, { code: 'UNAUTHENTICATED', message: 'The token has expired.' });
    if (url.pathname === '/auth/refresh' && request.method === 'POST') {
      options.valid[`${token}+`] = options.valid[token];
      return json(200, { token: `${token}+`, tokenType: 'Bearer', expiresIn: 3600, role: options.valid[token] });
    }
    if (url.pathname === '/mode' && request.method === 'GET')
      return json(200, { mode: 'schedule', current: 'home', schedule: { timeZone: 'Europe/Paris', home: [{ days: ['mon', 'tue'], start: '22:00', end: '07:00' }] } });
    if (url.pathname === '/mode' && request.method === 'PUT') return json(200, { mode: (body as { mode: string }).mode, current: (body as { mode: string }).mode });
    if (url.pathname === '/cameras/porch/settings' && request.method === 'GET') return json(200, settings);
    if (url.pathname === '/cameras/porch/settings' && request.method === 'PUT') return options.onPut?.(body) ?? json(200, { ...settings, ...(body as object) });
    return json(404, { code: 'ROUTE_NOT_FOUND', message: 'No route' });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

function renderApp(path: string, fetchImpl: typeof fetch) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App config={{ apiUrl: API }} fetchImpl={fetchImpl} queryClient={newQueryClient()} />
      <Where />
    </MemoryRouter>,
  );
}

beforeEach(() => sessionStorage.clear());
afterEach(cleanup);

describe('the workflow panel', () => {
  it('links to the execution in the Step Functions console in AWS only', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:camflow-clip-workflow:porch-20250301T100000Z-ab12';
    expect(consoleLink({ apiUrl: API, userPoolId: 'eu-west-1_abc', userPoolClientId: 'c', region: 'eu-west-1' }, arn)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(arn)}`,
    );
    expect(consoleLink({ apiUrl: API }, arn)).toBeUndefined();
  });
});

describe('signing in', () => {
  it('renews the local token before it expires (POST /auth/refresh), and calls the API with the new one', async () => {
    writeSession({ token: 'token-maria', username: 'maria', role: 'admin', expiresAt: Date.now() + 2500, via: 'local' });
    const api = fakeApi({ valid: { 'token-maria': 'admin' } });
    renderApp('/cameras/porch/settings', api.fetchImpl);
    await screen.findByRole('heading', { name: /Porch/ });
    await expect.poll(() => readSession()?.token, { timeout: 5000 }).toBe('token-maria+');
    expect(api.calls.filter((c) => c.path === '/auth/refresh').map((c) => `${c.method} ${c.auth}`)).toEqual(['POST Bearer token-maria']);
    expect(readSession()!.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('renews two minutes before expiry, or at four fifths of a short token’s life', () => {
    const now = 1_000_000;
    expect(renewAt({ token: 't', username: 'u', role: 'admin', expiresAt: now + 3_600_000 }, now)).toBe(now + 3_480_000);
    expect(renewAt({ token: 't', username: 'u', role: 'admin', expiresAt: now + 15_000 }, now)).toBe(now + 12_000);
    expect(renewAt({ token: 't', username: 'u', role: 'admin', expiresAt: now + 500 }, now)).toBe(now + 1000);
  });

  it('a 401 brings the sign-in back, and signing in returns to the same page', async () => {
    writeSession({ token: 'expired', username: 'maria', role: 'admin', expiresAt: Date.now() + 60_000 });
    const api = fakeApi({ valid: { 'token-maria': 'admin' } });
    renderApp('/cameras/porch/settings?x=1', api.fetchImpl);
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(screen.getByTestId('where').textContent).toBe('/sign-in?next=%2Fcameras%2Fporch%2Fsettings%3Fx%3D1');
    expect(api.calls.some((c) => c.auth === 'Bearer expired')).toBe(true);

    fireEvent.change(screen.getByLabelText('User name'), { target: { value: 'maria' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong password!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong user name or password');

    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a long passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Settings of Porch' });
    expect(screen.getByTestId('where').textContent).toBe('/cameras/porch/settings?x=1');
    expect(api.calls.at(-1)?.auth).toBe('Bearer token-maria');
  });

  it('goes back only to a path of this app', () => {
    expect(safeNext('/clips/a-1')).toBe('/clips/a-1');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/sign-in?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });

  it('says why Cognito refused a new password (InvalidPasswordException), in a sentence', () => {
    const policy = (reason: string) => refusalSentence(`Password does not conform to policy: ${reason}`);
    expect(policy('Password not long enough')).toBe('This password is too short: use at least 12 characters.');
    expect(policy('Password must have uppercase characters')).toBe('This password needs an uppercase letter.');
    expect(policy('Password must have lowercase characters')).toBe('This password needs a lowercase letter.');
    expect(policy('Password must have numeric characters')).toBe('This password needs a digit.');
    expect(policy('Password must have symbol characters')).toBe('This password needs a symbol, such as ! ? - or _.');
    expect(refusalSentence('Something new')).toBe('The user pool refused this password (Something new): choose another one.');
  });
});

describe('camera settings', () => {
  it('shows the API’s field error beside its field, and what the app checks before sending', async () => {
    writeSession({ token: 'token-maria', username: 'maria', role: 'admin', expiresAt: Date.now() + 60_000 });
    const api = fakeApi({
      valid: { 'token-maria': 'admin' },
      onPut: () => new Response(JSON.stringify({ code: 'INVALID_REQUEST', message: 'displayName: contains a character that is not allowed', field: 'displayName' }), { status: 400 }),
    });
    renderApp('/cameras/porch/settings', api.fetchImpl);
    const name = await screen.findByLabelText<HTMLInputElement>('Display name');
    expect(name.value).toBe('Porch');

    fireEvent.change(name, { target: { value: '   ' } });
    fireEvent.change(screen.getByLabelText('Cooldown between alerts (seconds)'), { target: { value: '-3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Give the camera a name.')).toBeTruthy();
    expect(screen.getByText('Whole seconds from 0 to 86400 (a day).')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(api.calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    // A bidi control is caught before sending; a rule only the API knows comes back as its 400.
    fireEvent.change(name, { target: { value: 'Porch \u202e' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('No line breaks or control characters.')).toBeTruthy();
    fireEvent.change(name, { target: { value: 'Porch light' } });
    fireEvent.change(screen.getByLabelText('Cooldown between alerts (seconds)'), { target: { value: '60' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const problem = await screen.findByText('contains a character that is not allowed');
    expect(problem.id).toBe('displayName-problem');
    expect(name.getAttribute('aria-describedby')).toBe('displayName-problem');
    const put = api.calls.find((c) => c.method === 'PUT');
    expect(put?.body).toMatchObject({ displayName: 'Porch light', cooldownSeconds: 60, timeZone: 'Europe/Paris', quietHours: null });
  });

  it('sends the alert channels and "alert when home" with the settings', async () => {
    writeSession({ token: 'token-maria', username: 'maria', role: 'admin', expiresAt: Date.now() + 60_000 });
    const api = fakeApi({ valid: { 'token-maria': 'admin' } });
    renderApp('/cameras/porch/settings', api.fetchImpl);
    const channels = await screen.findByLabelText<HTMLSelectElement>('Alert by');
    expect(channels.value).toBe('both');
    fireEvent.change(channels, { target: { value: 'sms' } });
    fireEvent.click(screen.getByLabelText('Alert when home too (outdoor cameras)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.');
    expect(api.calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ alertChannels: 'sms', alertWhenHome: true });
  });

  it('shows the home/away mode on the alerts page, and lets an admin switch it', async () => {
    writeSession({ token: 'token-maria', username: 'maria', role: 'admin', expiresAt: Date.now() + 60_000 });
    const api = fakeApi({ valid: { 'token-maria': 'admin' } });
    renderApp('/alerts', api.fetchImpl);
    const now = (await screen.findByText('home')).closest('p')!;
    expect(now.textContent).toMatch(/^Now home \(by schedule\): only cameras marked “alert when home” send alerts\.$/);
    expect(screen.getByText('Home mon, tue 22:00–07:00 (Europe/Paris)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'I am away' }));
    expect(await screen.findByText(/every camera sends its alerts/)).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PUT' && c.path === '/mode')?.body).toEqual({ mode: 'away' });
  });

  it('lets a viewer read the settings, not change them', async () => {
    writeSession({ token: 'token-joe', username: 'joe', role: 'viewer', expiresAt: Date.now() + 60_000 });
    const api = fakeApi({ valid: { 'token-joe': 'viewer' } });
    renderApp('/cameras/porch/settings', api.fetchImpl);
    const name = await screen.findByLabelText<HTMLInputElement>('Display name');
    expect(name.closest('fieldset')?.disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.getByText('Only an admin can change these settings.')).toBeTruthy();
  });

  it('checks quiet hours and time zones before sending', () => {
    const draft = {
      displayName: 'Porch',
      retentionClass: 'short',
      alertsEnabled: true,
      alertChannels: 'both' as const,
      alertWhenHome: false,
      cooldownSeconds: '0',
      quietHoursOn: true,
      quietStart: '25:00',
      quietEnd: '07:00',
      timeZone: 'Mars/Olympus',
    };
    expect(draftProblems(draft, ['Europe/Paris'])).toEqual({ quietHours: 'Give a start and an end time (HH:MM).', timeZone: 'Choose a time zone from the list, e.g. Europe/Paris.' });
    expect(draftProblems({ ...draft, quietStart: '22:30', timeZone: 'Europe/Paris' }, ['Europe/Paris'])).toEqual({});
  });
});

describe('clips by day in the camera’s time zone', () => {
  const clip = (capturedAt: string): ClipSummary => ({ clipId: capturedAt, camera: 'porch', kind: 'video', status: 'READY', capturedAt, held: false });

  it('groups newest-first clips under the local day they were captured', () => {
    // 03:00 UTC on Jan 2 is still Jan 1 in New York, already Jan 2 in Paris.
    const clips = [clip('2025-01-02T15:00:00Z'), clip('2025-01-02T03:00:00Z'), clip('2025-01-01T20:00:00Z')];
    const ny = rowsByDay(clips, 'America/New_York').map((r) => (r.kind === 'day' ? r.day : r.clip.capturedAt.slice(11, 13)));
    expect(ny).toEqual(['2025-01-02', '15', '2025-01-01', '03', '20']);
    const paris = rowsByDay(clips, 'Europe/Paris').map((r) => (r.kind === 'day' ? r.day : r.clip.capturedAt.slice(11, 13)));
    expect(paris).toEqual(['2025-01-02', '15', '03', '2025-01-01', '20']);
  });

  it('turns a local day into instants, across a daylight-saving change', () => {
    expect(startOfDay('2025-03-09', 'America/New_York')).toBe('2025-03-09T05:00:00.000Z');
    expect(endOfDay('2025-03-09', 'America/New_York')).toBe('2025-03-10T03:59:59.999Z');
    expect(startOfDay('2025-07-01', 'Asia/Kolkata')).toBe('2025-06-30T18:30:00.000Z');
    expect(dayIn('2025-06-30T18:30:00.000Z', 'Asia/Kolkata')).toBe('2025-07-01');
    expect(timeAgo('2025-01-01T00:00:00Z', Date.parse('2025-01-01T00:03:10Z'))).toBe('3 min ago');
  });
});

describe('the player', () => {
  it('previews the last thumbnail taken at or before a position', () => {
    const thumbnails = [0, 2, 4].map((atSeconds) => ({ atSeconds, url: `t${atSeconds}` }));
    expect(thumbnailAt(thumbnails, 0)).toBe('t0');
    expect(thumbnailAt(thumbnails, 3.9)).toBe('t2');
    expect(thumbnailAt(thumbnails, 99)).toBe('t4');
    expect(thumbnailAt(undefined, 1)).toBeUndefined();
  });

  it('previews a position through the sprite: the cell of the last thumbnail at or before it, scaled to 160 px', () => {
    // 20 s clip: thumbnails at 0…18 s in a 3 × 4 grid of 320 × 180 cells.
    const scrub = { spriteUrl: 'https://s3/sprite.jpg', columns: 3, rows: 4, tileWidth: 320, tileHeight: 180, times: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18] };
    expect(spriteCellAt(scrub, 0)).toEqual({
      index: 0,
      style: { width: '160px', height: '90px', backgroundImage: 'url("https://s3/sprite.jpg")', backgroundSize: '480px 360px', backgroundPosition: '-0px -0px', backgroundRepeat: 'no-repeat' },
    });
    // 9.9 s: thumbnail 4 (8 s), column 1 of row 1.
    expect(spriteCellAt(scrub, 9.9)).toMatchObject({ index: 4, style: { backgroundPosition: '-160px -90px' } });
    expect(spriteCellAt(scrub, 99)).toMatchObject({ index: 9, style: { backgroundPosition: '-0px -270px' } });
    expect(spriteCellAt(undefined, 1)).toBeUndefined();
  });
});

describe("a camera's cost this month", () => {
  it('says the estimate, the clips it counts, and less than a cent when it is', () => {
    expect(formatMonthCost({ month: '2026-12', estimatedUsd: 0.4213, clips: 118 })).toBe('$0.42 this month (118 clips, estimated)');
    expect(formatMonthCost({ month: '2026-12', estimatedUsd: 0.0031, clips: 1 })).toBe('< $0.01 this month (1 clip, estimated)');
    expect(formatMonthCost({ month: '2026-12', estimatedUsd: 0, clips: 0 })).toBe('$0.00 this month (0 clips, estimated)');
  });
});

describe('formatting', () => {
  it('formats an instant with its time zone’s name (no option V8 refuses)', async () => {
    const { formatDateTime } = await import('./time');
    expect(formatDateTime('2025-01-02T03:04:05Z', 'America/New_York')).toMatch(/EST/);
  });
});
