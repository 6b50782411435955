/**
 * Bearer token verification with `jose`, the same code in AWS and locally: the signature is
 * checked against the issuer's JWKS (Cognito's `/.well-known/jwks.json` in AWS, the local
 * issuer's key set on one machine), then issuer, audience, expiry and algorithm. Roles come
 * from the `cognito:groups` claim.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { rolesFromGroups, type Principal } from './roles.ts';

/** Only asymmetric algorithms: `none` and HMAC (`HS256` with a public key as secret) are refused. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];

export class TokenRejected extends Error {
  override name = 'TokenRejected';
}

export type TokenVerifier = (token: string) => Promise<Principal>;

export interface TokenVerifierOptions {
  /** Expected `iss`: the Cognito user pool URL, or the local API URL. */
  issuer: string;
  /**
   * Expected audience: the Cognito app client id or `camflow` locally. Matched against `aud`
   * (ID tokens, local tokens) or `client_id` (Cognito access tokens, which carry no `aud`).
   */
  audience: string;
  /** Where the keys are: the JWKS URL (fetched and cached), or the key set itself. */
  jwks: URL | JSONWebKeySet;
  /** Allowed clock skew in seconds (default 5). */
  clockToleranceSeconds?: number;
  /**
   * Verified tokens remembered (until they expire) so a client's every request does not pay
   * for a signature check again; default 1,000 tokens, 0 turns it off.
   */
  cacheSize?: number;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keySet = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks, { cooldownDuration: 30_000 }) : createLocalJWKSet(options.jwks);
  const cacheSize = options.cacheSize ?? 1000;
  const verified = new Map<string, { principal: Principal; expiresAt: number }>();
  const verify = async (token: string): Promise<{ principal: Principal; expiresAt: number }> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenRejected('The token has expired: sign in again.');
      if (error instanceof errors.JOSEError) throw new TokenRejected(`The token was refused (${error.code}): sign in again.`);
      throw error;
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    if (!audiences.includes(options.audience) && payload.client_id !== options.audience) {
      throw new TokenRejected('The token was issued for another audience: sign in to camflow.');
    }
    const username = String(payload['cognito:username'] ?? payload.username ?? payload.sub ?? '');
    const principal: Principal = { username, roles: rolesFromGroups(payload['cognito:groups']) };
    if (payload.auth_time !== undefined) principal.authTime = Number(payload.auth_time);
    return { principal, expiresAt: Number(payload.exp) * 1000 };
  };
  return async (token) => {
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.principal;
    if (known) verified.delete(token);
    const result = await verify(token);
    if (cacheSize > 0) {
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, result);
    }
    return result.principal;
  };
}
