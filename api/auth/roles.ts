/** Who may do what: viewers read; admins also change settings, hold, delete and redrive. */
export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** The caller, as established from a verified token. */
export interface Principal {
  username: string;
  roles: Role[];
  /** `auth_time` of the token (seconds): when the password was last given; absent if the token has none. */
  authTime?: number;
}

export function rolesFromGroups(groups: unknown): Role[] {
  if (!Array.isArray(groups)) return [];
  return ROLES.filter((role) => groups.includes(role));
}

/** Admins hold every permission a viewer has. */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes('admin') || principal.roles.includes(role);
}

/** User names for the local issuer: what a person types, safe as a key segment. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
