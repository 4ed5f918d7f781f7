// The auth error vocabulary and its one translation to HTTP, shared by both
// doors. Challenges follow RFC 6750 §3: a request without a token gets a bare
// `Bearer realm="…"`; a bad token gets error="invalid_token"; a token without
// the needed scope gets error="insufficient_scope" with the scope that would
// have been enough.
import { ServiceError } from '../errors.js';

type OAuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Everything a door needs to answer an auth error; both doors use this shape. */
export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  /** Stable code for the JSON:API error object; GraphQL uses graphqlErrorCode(). */
  code: string;
  title: string;
  detail: string;
}

// RFC 6750 §3: error_description and scope values are limited to
// %x20-21 / %x23-5B / %x5D-7E, so quotes, backslashes and non-ASCII go.
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '').slice(0, 200);
}

export function bearerChallenge(realm: string, params: { error?: OAuthErrorCode; description?: string; scope?: string } = {}): string {
  const parts = [`Bearer realm="${quotable(realm)}"`];
  if (params.error) parts.push(`error="${params.error}"`);
  if (params.description) parts.push(`error_description="${quotable(params.description)}"`);
  if (params.scope) parts.push(`scope="${quotable(params.scope)}"`);
  return parts.join(', ');
}

/** Common face of every auth error: a status, and a challenge when RFC 6750 calls for one. */
export interface AuthErrorShape {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly title: string;
  readonly authCode: string;
}

/**
 * 400: the Authorization header is malformed, or the token came some other
 * way (query, body) or twice (RFC 6750 §2, §3.1). Not a ServiceError: no
 * service code means "bad request", and the doors answer it before anything else.
 */
export class InvalidRequestError extends Error implements AuthErrorShape {
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly authCode = 'invalid_request';
  readonly challenge: string;
  constructor(
    readonly detail: string,
    realm: string,
  ) {
    super(detail);
    this.name = 'InvalidRequestError';
    this.challenge = bearerChallenge(realm, { error: 'invalid_request', description: detail });
  }
}

/** 401: a token was sent but is not acceptable (bad, expired, unverifiable, untrusted issuer, inactive). */
export class InvalidTokenError extends ServiceError implements AuthErrorShape {
  readonly code = 'unauthenticated' as const;
  readonly status = 401;
  readonly title = 'Invalid access token';
  readonly authCode = 'invalid_token';
  readonly challenge: string;
  constructor(
    readonly description: string,
    realm: string,
  ) {
    super(description);
    this.challenge = bearerChallenge(realm, { error: 'invalid_token', description });
  }
}

/** 401: no token at all, where the policy asks for one. RFC 6750 §3.1: no error code then. */
export class UnauthenticatedError extends ServiceError implements AuthErrorShape {
  readonly code = 'unauthenticated' as const;
  readonly status = 401;
  readonly title = 'Authentication required';
  readonly authCode = 'unauthenticated';
  readonly challenge: string;
  constructor(realm: string) {
    super('This request needs a bearer access token.');
    this.challenge = bearerChallenge(realm);
  }
}

/** 403: the token is good but lacks scopes; `scope` names a set that would have been enough. */
export class InsufficientScopeError extends ServiceError implements AuthErrorShape {
  readonly code = 'forbidden' as const;
  readonly status = 403;
  readonly title = 'Insufficient scope';
  readonly authCode = 'insufficient_scope';
  readonly challenge: string;
  constructor(
    readonly scope: string,
    operation: string,
    realm: string,
  ) {
    const detail = `The access token lacks the scope to ${operation}; this would be enough: "${scope}".`;
    super(detail);
    this.challenge = bearerChallenge(realm, { error: 'insufficient_scope', description: `${operation} needs more scope`, scope });
  }
}

/** 403: a claim rule (e.g. group membership) refuses the user behind the token. */
export class ForbiddenClaimError extends ServiceError implements AuthErrorShape {
  readonly code = 'forbidden' as const;
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly authCode = 'forbidden';
  // Not an RFC 6750 condition: more scope would not help, so no challenge.
  readonly challenge = undefined;
}

/** 503: the authorization server (introspection, JWKS, metadata) could not be asked. Grants nothing. */
export class AuthUnavailableError extends ServiceError implements AuthErrorShape {
  readonly code = 'unavailable' as const;
  readonly status = 503;
  readonly title = 'Authorization server unavailable';
  readonly authCode = 'temporarily_unavailable';
  readonly challenge = undefined;
}

/**
 * 429: the caller has spent its budget (src/http/budget.ts). Not an RFC 6750
 * condition, so no challenge; RFC 6585 §4 with Retry-After.
 */
export class RateLimitedError extends Error implements AuthErrorShape {
  readonly status = 429;
  readonly title = 'Too many requests';
  readonly authCode = 'too_many_requests';
  readonly challenge = undefined;
  constructor(
    detail: string,
    /** Whole seconds until the caller may try again. */
    readonly retryAfterS: number,
  ) {
    super(detail);
    this.name = 'RateLimitedError';
  }
}

export type AuthError =
  | RateLimitedError
  | InvalidRequestError
  | InvalidTokenError
  | UnauthenticatedError
  | InsufficientScopeError
  | ForbiddenClaimError
  | AuthUnavailableError;

export function isAuthError(error: unknown): error is AuthError {
  return (
    error instanceof RateLimitedError ||
    error instanceof InvalidRequestError ||
    error instanceof InvalidTokenError ||
    error instanceof UnauthenticatedError ||
    error instanceof InsufficientScopeError ||
    error instanceof ForbiddenClaimError ||
    error instanceof AuthUnavailableError
  );
}

/** The one translation of an auth error to HTTP; null for anything that is not an auth error. */
export function authErrorResponse(error: unknown): AuthErrorResponse | null {
  if (!isAuthError(error)) return null;
  const headers: Record<string, string> = {};
  if (error.challenge) headers['WWW-Authenticate'] = error.challenge;
  if (error instanceof AuthUnavailableError) headers['Retry-After'] = '5';
  if (error instanceof RateLimitedError) headers['Retry-After'] = String(error.retryAfterS);
  // Must not be cached by intermediaries: the answer depends on the Authorization header.
  headers['Cache-Control'] = 'no-store';
  return { status: error.status, headers, code: error.authCode, title: error.title, detail: error.message };
}
