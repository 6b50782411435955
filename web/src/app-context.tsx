/**
 * What every view needs: the API client and the session. A 401 from any call ends the session
 * and sends the user to the sign-in, which brings them back to the page they were on.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { createApiClient, type ApiClient } from './api/client';
import type { AppConfig } from './config';
import { readSession, writeSession, type Session } from './session';

interface AppContextValue {
  config: AppConfig;
  api: ApiClient;
  session: Session | undefined;
  signIn(session: Session): void;
  signOut(): void;
}

const AppContext = createContext<AppContextValue | undefined>(undefined);

export function AppProvider({ config, children, fetchImpl }: { config: AppConfig; children: ReactNode; fetchImpl?: typeof fetch }) {
  const [session, setSession] = useState<Session | undefined>(() => readSession());
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;
  const queryClient = useQueryClient();

  const endSession = useCallback(() => {
    writeSession(undefined);
    setSession(undefined);
    queryClient.clear();
  }, [queryClient]);

  const api = useMemo(
    () =>
      createApiClient({
        baseUrl: config.apiUrl,
        fetch: fetchImpl,
        token: () => sessionRef.current?.token,
        onUnauthorized: () => {
          if (!sessionRef.current) return;
          const here = locationRef.current;
          endSession();
          navigate(`/sign-in?next=${encodeURIComponent(here.pathname + here.search)}`, { replace: true });
        },
      }),
    [config.apiUrl, fetchImpl, endSession, navigate],
  );

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
        navigate('/sign-in', { replace: true });
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
