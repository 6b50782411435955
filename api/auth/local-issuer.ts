/**
 * The local token issuer (`camflow up` plays Cognito's part on one machine): an ES256 signing
 * key generated once and kept under the data directory, `POST /auth/login` checking a user's
 * scrypt hash and returning a short-lived token (`iss` the local API URL, `aud` 'camflow',
 * groups in `cognito:groups` like Cognito), and the public key set for verifiers.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { UNKNOWN_USER_HASH, verifyPassword } from '../../domain/password-hash.ts';
import type { Principal } from './roles.ts';
import type { UserStore } from './users.ts';

export const LOCAL_AUDIENCE = 'camflow';
export const SIGNING_ALGORITHM = 'ES256';
export const SIGNING_KEY_FILE = 'api-signing-key.json';

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
  };
}

/** Read the signing key from `file`, or generate it and write it there (mode 0600) the first time. */
export async function loadOrCreateSigningKey(file: string): Promise<SigningKey> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  const key = await generateSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600, flag: 'wx' });
  return key;
}

export interface LoginResult {
  token: string;
  tokenType: 'Bearer';
  expiresIn: number;
  role: string;
}

export interface LocalIssuer {
  /** `iss` of the tokens: the local API URL. */
  issuer: string;
  audience: string;
  jwks(): JSONWebKeySet;
  /** Check the password and sign a token; `undefined` for an unknown user or a wrong password. */
  login(username: string, password: string): Promise<LoginResult | undefined>;
  /**
   * A new token for the holder of a valid one (the web app renews before expiry), with the
   * user's current role. `holder` is the principal the auth middleware already verified the
   * bearer token into; `undefined` when the token has no `auth_time`, its user is gone, or the
   * sign-in it descends from is older than `sessionLimitSeconds` (12 h by default).
   */
  renew(holder: Pick<Principal, 'username' | 'authTime'>): Promise<LoginResult | undefined>;
}

export function createLocalIssuer(options: { issuer: string; signingKey: SigningKey; users: UserStore; tokenLifetimeSeconds?: number; sessionLimitSeconds?: number }): LocalIssuer {
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const sessionLimit = options.sessionLimitSeconds ?? 12 * 3600;
  let privateKey: ReturnType<typeof importJWK> | undefined;
  /** `auth_time`: when the password was last checked, kept through renewals (as Cognito does). */
  const sign = async (user: { username: string; role: string }, authTime: number): Promise<LoginResult> => {
    privateKey ??= importJWK(options.signingKey.privateJwk, SIGNING_ALGORITHM);
    const token = await new SignJWT({ 'cognito:groups': [user.role], 'cognito:username': user.username, token_use: 'id', auth_time: authTime })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: options.signingKey.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(user.username)
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
      .sign(await privateKey);
    return { token, tokenType: 'Bearer', expiresIn: lifetime, role: user.role };
  };
  return {
    issuer: options.issuer,
    audience: LOCAL_AUDIENCE,
    jwks: () => ({ keys: [options.signingKey.publicJwk] }),
    async login(username, password) {
      const user = await options.users.find(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!user || !ok) return undefined;
      return sign(user, Math.floor(Date.now() / 1000));
    },
    async renew({ username, authTime }) {
      if (!username || authTime === undefined || !Number.isFinite(authTime) || Date.now() / 1000 - authTime > sessionLimit) return undefined;
      const user = await options.users.find(username);
      return user ? sign(user, authTime) : undefined;
    },
  };
}
