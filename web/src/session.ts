/**
 * The signed-in user: a bearer token kept for this browser tab (sessionStorage: a reload keeps
 * it, closing the tab forgets it), the user's name and role, and when to renew the token.
 */
export type Role = 'admin' | 'viewer';

export interface Session {
  token: string;
  username: string;
  role: Role;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Who issued the token: the local API (`POST /auth/login`) or the stack's Cognito user pool. */
  via?: 'local' | 'cognito';
  /** Cognito's refresh token: new tokens before `expiresAt` without asking for the password. */
  refreshToken?: string;
}

const KEY = 'camflow.session';

export function readSession(storage: Storage = sessionStorage): Session | undefined {
  try {
    const session = JSON.parse(storage.getItem(KEY) ?? 'null') as Session | null;
    if (!session || typeof session.token !== 'string' || session.expiresAt <= Date.now()) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function writeSession(session: Session | undefined, storage: Storage = sessionStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}

/** The role from a login response, or from the token's `cognito:groups` claim. */
export function roleOf(token: string, stated?: string): Role {
  if (stated === 'admin' || stated === 'viewer') return stated;
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { 'cognito:groups'?: string[] };
    return payload['cognito:groups']?.includes('admin') ? 'admin' : 'viewer';
  } catch {
    return 'viewer';
  }
}

/**
 * When to renew a session's token: two minutes before it expires, or once four fifths of what
 * is left have passed when that is later (a short-lived token); never sooner than in a second.
 */
export function renewAt(session: Session, now = Date.now()): number {
  const left = session.expiresAt - now;
  return now + Math.max(1000, left - 120_000, left * 0.8);
}
