/**
 * Failed-login limits for the local issuer's `POST /auth/login`: a sliding window per user
 * name and per client address, kept in memory. An attempt is counted before the password is
 * checked (so parallel guesses count too) and forgotten when it succeeds; once a user name or
 * an address has used its attempts in the window, sign-in is refused with 429 and
 * `Retry-After` until the oldest attempt leaves the window — even with the right password.
 *
 * In AWS there is no `/auth/login`: API Gateway throttling and Cognito's own lockout apply.
 */

export interface LoginLimits {
  /** Failed attempts allowed per user name in the window. Default 10. */
  perUser: number;
  /** Failed attempts allowed per client address in the window (any user names). Default 30. */
  perAddress: number;
  /** The window, in seconds. Default 300 (5 minutes). */
  windowSeconds: number;
  /** User names and addresses remembered at most (oldest forgotten first). Default 10,000. */
  maxTracked: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 10, perAddress: 30, windowSeconds: 300, maxTracked: 10_000 };

export type LoginAttempt =
  { allowed: true; /** Call when the password was right: the attempt no longer counts. */ succeeded(): void } | { allowed: false; retryAfterSeconds: number; limitedBy: 'user' | 'address' };

export interface LoginLimiter {
  /** Count an attempt to sign in as `username` from `address`, unless either is over its limit. */
  attempt(username: string, address: string, now?: number): LoginAttempt;
}

export function createLoginLimiter(limits: Partial<LoginLimits> = {}): LoginLimiter {
  const { perUser, perAddress, windowSeconds, maxTracked } = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  const windowMs = windowSeconds * 1000;
  /** Key → times of the attempts still in the window, oldest first. */
  const attempts = new Map<string, number[]>();

  const recent = (key: string, now: number): number[] => {
    const times = attempts.get(key);
    if (!times) return [];
    while (times.length && times[0]! <= now - windowMs) times.shift();
    if (!times.length) attempts.delete(key);
    return times;
  };
  const record = (key: string, now: number) => {
    const times = attempts.get(key);
    if (times) {
      times.push(now);
      return;
    }
    if (attempts.size >= maxTracked) {
      for (const k of [...attempts.keys()]) recent(k, now);
      while (attempts.size >= maxTracked) attempts.delete(attempts.keys().next().value!);
    }
    attempts.set(key, [now]);
  };
  const forget = (key: string, at: number) => {
    const times = attempts.get(key);
    const i = times?.lastIndexOf(at) ?? -1;
    if (i >= 0) times!.splice(i, 1);
    if (times && !times.length) attempts.delete(key);
  };

  return {
    attempt(username, address, now = Date.now()) {
      const userKey = `user:${username.trim().toLowerCase()}`;
      const addressKey = `address:${address}`;
      for (const [key, limit, limitedBy] of [
        [userKey, perUser, 'user'],
        [addressKey, perAddress, 'address'],
      ] as const) {
        const times = recent(key, now);
        if (times.length >= limit) {
          return { allowed: false, limitedBy, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000)) };
        }
      }
      record(userKey, now);
      record(addressKey, now);
      return {
        allowed: true,
        succeeded() {
          attempts.delete(userKey);
          forget(addressKey, now);
        },
      };
    },
  };
}
