/** The app: a header with the views, and one route per view (real URLs, shareable and reloadable). */
import { lazy, Suspense, useState } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AppProvider, useApp } from './app-context';
import { ApiProblem } from './api/client';
import type { AppConfig } from './config';
import { SignInPage } from './pages/SignInPage';
import { CamerasPage } from './pages/CamerasPage';
import { CameraClipsPage } from './pages/CameraClipsPage';
import { CameraSettingsPage } from './pages/CameraSettingsPage';
import { OperationsPage } from './pages/OperationsPage';
import { AlertsPage } from './pages/AlertsPage';

// The player (and hls.js behind it) loads only when a clip opens.
const ClipPage = lazy(() => import('./pages/ClipPage'));

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will not change by asking again.
        retry: (count, error) => !(error instanceof ApiProblem && error.status < 500) && count < 2,
      },
    },
  });
}

export function App({ config, fetchImpl, queryClient }: { config: AppConfig; fetchImpl?: typeof fetch; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? newQueryClient());
  return (
    <QueryClientProvider client={client}>
      <AppProvider config={config} fetchImpl={fetchImpl}>
        <Shell />
      </AppProvider>
    </QueryClientProvider>
  );
}

function RequireSession({ children }: { children: React.ReactNode }) {
  const { session } = useApp();
  const location = useLocation();
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

function Shell() {
  const { session, signOut } = useApp();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand" aria-hidden="true">
          camflow
        </span>
        {session && (
          <nav aria-label="Views">
            <NavLink to="/" end>
              Cameras
            </NavLink>
            <NavLink to="/operations">Operations</NavLink>
            <NavLink to="/alerts">Alerts</NavLink>
          </nav>
        )}
        {session && (
          <div className="who">
            <span>
              {session.username} ({session.role})
            </span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main">
        <Suspense fallback={<p className="page">Loading…</p>}>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            <Route
              path="/"
              element={
                <RequireSession>
                  <CamerasPage />
                </RequireSession>
              }
            />
            <Route
              path="/cameras/:camera"
              element={
                <RequireSession>
                  <CameraClipsPage />
                </RequireSession>
              }
            />
            <Route
              path="/cameras/:camera/settings"
              element={
                <RequireSession>
                  <CameraSettingsPage />
                </RequireSession>
              }
            />
            <Route
              path="/clips/:clipId"
              element={
                <RequireSession>
                  <ClipPage />
                </RequireSession>
              }
            />
            <Route
              path="/operations"
              element={
                <RequireSession>
                  <OperationsPage />
                </RequireSession>
              }
            />
            <Route
              path="/alerts"
              element={
                <RequireSession>
                  <AlertsPage />
                </RequireSession>
              }
            />
            <Route
              path="*"
              element={
                <section className="page">
                  <h1>Not found</h1>
                  <p>
                    No view at this address. <NavLink to="/">Back to the cameras</NavLink>.
                  </p>
                </section>
              }
            />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
