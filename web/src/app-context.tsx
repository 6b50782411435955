/**
 * What every view needs: the API client and the session. The session's token is renewed before
 * it expires (Cognito's refresh token in AWS, `POST /auth/refresh` locally). A 401 from any
 * call, or a renewal refused, ends the session and sends the user to the sign-in, which brings
 * them back to the page they were on.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { createApiClient, type ApiClient } from './api/client';
import type { AppConfig } from './config';
import { ApiProblem } from './api/client';
import { renewSession } from './auth/sign-in';
import { readSession, renewAt, writeSession, type Session } from './session';
import { useLatest } from './use-latest';

interface AppContextValue {
  config: AppConfig;
  api: ApiClient;
  session: Session | undefined;
  signIn: (session: Session) => void;
  signOut: () => void;
}

const AppContext = createContext<AppContextValue | undefined>(undefined);

export function AppProvider({ config, children, fetchImpl }: { config: AppConfig; children: ReactNode; fetchImpl?: typeof fetch }) {
  const [session, setSession] = useState<Session | undefined>(() => readSession());
  const sessionRef = useLatest(session);
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useLatest(location);
  const queryClient = useQueryClient();

  const endSession = useCallback(() => {
    writeSession(undefined);
    setSession(undefined);
    queryClient.clear();
  }, [queryClient]);

  /** Back to the sign-in, which returns to this page after. */
  const signInAgain = useCallback(() => {
    if (!sessionRef.current) return;
    const here = locationRef.current;
    endSession();
    void navigate(`/sign-in?next=${encodeURIComponent(here.pathname + here.search)}`, { replace: true });
  }, [endSession, navigate, sessionRef, locationRef]);

  const api = useMemo(
    // eslint-disable-next-line react-hooks/refs -- the client reads the token when a request is sent, never while rendering
    () => createApiClient({ baseUrl: config.apiUrl, fetch: fetchImpl, token: () => sessionRef.current?.token, onUnauthorized: signInAgain }),
    [config.apiUrl, fetchImpl, signInAgain, sessionRef],
  );

  useEffect(() => {
    if (!session) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const renew = async () => {
      try {
        const next = await renewSession(config, api, session);
        if (stopped || sessionRef.current?.token !== session.token) return;
        writeSession(next);
        setSession(next);
      } catch (error) {
        if (stopped) return;
        // Refused: sign in again (a 401 from the API has already gone there). Anything else
        // (offline, a 5xx) is tried again in 30 s while the token lasts.
        if (error instanceof ApiProblem && error.status === 401) return;
        if ((error as { refused?: boolean }).refused) signInAgain();
        else if (Date.now() + 30_000 < session.expiresAt) timer = setTimeout(() => void renew(), 30_000);
      }
    };
    timer = setTimeout(() => void renew(), renewAt(session) - Date.now());
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session, config, api, signInAgain, sessionRef]);

  const value = useMemo<AppContextValue>(
    () => ({
      config,
      api,
      session,
      signIn: (next) => {
        writeSession(next);
        setSession(next);
      },
      signOut: () => {
        endSession();
        void navigate('/sign-in', { replace: true });
      },
    }),
    [config, api, session, endSession, navigate],
  );
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppProvider');
  return value;
}

export const useIsAdmin = () => useApp().session?.role === 'admin';
