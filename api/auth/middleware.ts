/**
 * Bearer authentication and role checks for the routes. 401 when the token is missing or
 * refused (expired, wrongly signed, `alg: none`, wrong issuer or audience); 403 when the
 * caller's role does not allow the route.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, ERROR_CODES } from '../errors.ts';
import type { ApiEnv } from '../context.ts';
import { hasRole, type Role } from './roles.ts';
import { TokenRejected, type TokenVerifier } from './token-verifier.ts';

export function authenticate(verifier: TokenVerifier, isPublic: (method: string, path: string) => boolean): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' || isPublic(c.req.method, c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/i.exec(header);
    if (!match) {
      throw new ApiError(401, ERROR_CODES.unauthenticated, 'Send a bearer token: Authorization: Bearer <token> (POST /auth/login locally, Cognito in AWS).');
    }
    try {
      c.set('principal', await verifier(match[1]!));
    } catch (error) {
      if (error instanceof TokenRejected) throw new ApiError(401, ERROR_CODES.unauthenticated, error.message);
      throw error;
    }
    if (c.get('principal').roles.length === 0) {
      throw new ApiError(403, ERROR_CODES.forbidden, 'Your account is in neither the viewer nor the admin group: ask an admin to add you.');
    }
    return next();
  };
}

export function requireRole(role: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal || !hasRole(principal, role)) {
      throw new ApiError(403, ERROR_CODES.forbidden, `This needs the ${role} role; you are signed in as ${principal?.roles.join(', ') || 'nobody'}.`);
    }
    return next();
  };
}
