// The caller's identity, and the RequestContext the services ask of a caller
// (src/resources/request-context.ts), implemented by the context builder
// (src/auth/context.ts): built once per request and the only way request
// state reaches the services and resolvers.
import type { RequestContext as ServiceContext } from '../resources/request-context.js';

export type { Operation } from '../resources/operations.js';
export { systemContext } from '../resources/request-context.js';

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

/** The services' RequestContext, plus who is calling (for the doors: budgets, logs). */
export interface RequestContext extends ServiceContext {
  /** null for an anonymous caller (no Authorization header). */
  principal: Principal | null;
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
