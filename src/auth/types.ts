// The caller's identity and the question every request asks of the policy.
// Built once per request by the context builder (src/auth/context.ts) and the
// only way request state reaches the services and resolvers.

export type Operation = 'read' | 'create' | 'update' | 'delete';

export interface Principal {
  /** `sub` of the token: the user, or the client for client-only tokens. */
  subject: string;
  clientId?: string;
  issuer: string;
  scopes: ReadonlySet<string>;
  /** Every claim of the token (or introspection answer), for the claim rules. */
  claims: Readonly<Record<string, unknown>>;
  /** True when a user is behind the token (authorization code), false for client credentials. */
  hasUser: boolean;
  expiresAt?: Date;
}

export interface RequestContext {
  /** null for an anonymous caller (no Authorization header). */
  principal: Principal | null;
  /** Throws UnauthenticatedError or ForbiddenError (src/auth/errors.ts) when the policy refuses. */
  authorize(operation: Operation): void;
  /** The same question as authorize, answered without throwing: may this caller do it? */
  can(operation: Operation): boolean;
  /** What lastModUserName records for this caller's writes. */
  readonly actorName: string | null;
}

/** For trusted in-process callers (demo data loader, import command). */
export function systemContext(actorName: string): RequestContext {
  return { principal: null, authorize: () => {}, can: () => true, actorName };
}

/** One authorization server whose tokens this API accepts. */
export interface TrustedIssuer {
  /** Must equal the token's `iss` exactly. */
  issuer: string;
  /** Must be among the token's `aud`. */
  audience: string;
  /** Else discovered from the issuer's metadata (OIDC discovery or RFC 8414). */
  jwksUri?: string;
  /** RFC 7662 endpoint for opaque (non-JWT) tokens. */
  introspectionUrl?: string;
  clientId?: string;
  clientSecret?: string;
  /** A policy of its own (JSON file); else the server's policy. */
  policyFile?: string;
  /** Tags actor names (`name@label`) when several issuers are trusted; else its URL's host and path. */
  label?: string;
  /** Refuse introspection answers without `aud`; else OAUTH_INTROSPECTION_REQUIRE_AUDIENCE. */
  requireAudience?: boolean;
}
