// The scopes this authorization server knows, and what the consent page says
// about each. Access tokens carry API scopes for the API (the resource server);
// OpenID Connect scopes are about the user and stay with the ID token and
// userinfo.
import { OPERATION_DESCRIPTIONS, OPERATIONS } from '../resources/operations.js';

/** The demo's group scope: puts the user's groups in GROUP_CLAIM of the access token. */
export const GROUP_SCOPE = 'https://api.columbia.edu/scope/group';
/** Space-separated group names, as the original demo's authorization server sent them. */
export const GROUP_CLAIM = 'https://api.columbia.edu/claim/group';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The claims each OpenID scope stands for (OpenID Connect Core §5.4), in the ID token and at userinfo. */
export const OIDC_SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
};

/** Under the default policy each operation of the operations table is a scope of its name. */
export const API_SCOPES = [
  ...OPERATIONS,
  'write',
  'auth-columbia',
  'auth-none',
  'demo-djt-sla-bronze',
  GROUP_SCOPE,
] as const;

export const ALL_SCOPES: readonly string[] = [...OIDC_SCOPES, ...API_SCOPES];

const known = new Set(ALL_SCOPES);
export const isKnownScope = (scope: string): boolean => known.has(scope);

/** Plain-language lines for the consent page. */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Sign you in and learn your user id',
  profile: 'See your name and user name',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it (refresh tokens)',
  ...OPERATION_DESCRIPTIONS,
  write: 'Add, change and delete in the course catalogue',
  'auth-columbia': 'Act on your behalf as a signed-in user (demo scope)',
  'auth-none': 'Act as the application itself (demo scope)',
  'demo-djt-sla-bronze': 'Use the bronze service level (demo scope)',
  [GROUP_SCOPE]: 'Know which groups you belong to',
};

/** Splits an OAuth `scope` parameter (RFC 6749 §3.3: space-delimited, case-sensitive). */
export function splitScope(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}
