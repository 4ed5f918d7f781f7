// Types of issuer.mjs (plain JavaScript so the benchmarks can run it unbuilt).
import type { CryptoKey, JWK, JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export function newSigningKey(alg?: string): Promise<SigningKey>;

export interface StandInOptions {
  /** The audience its tokens are for (default https://api.example.edu). */
  audience?: string;
  /** Path part of the issuer, e.g. "/tenant-a" (RFC 8414 §3.1 puts the well-known segment before it). */
  issuerPath?: string;
  /** Which metadata document to publish. */
  metadata?: 'openid-configuration' | 'oauth-authorization-server' | 'none';
  /** The credentials introspection callers must present. */
  clientId?: string;
  clientSecret?: string;
}

export type IntrospectionMode = 'normal' | 'down' | 'slow' | 'broken';
/** Answer; answer 500; answer only after the caller gave up; refuse connections (JWKS only: its port is closed). */
export type EndpointMode = 'normal' | 'error' | 'slow' | 'refused';

export interface SignOptions {
  key?: SigningKey;
  /** null: no typ header at all. */
  typ?: string | null;
  audience?: string;
  expiresIn?: string | number;
  kid?: string;
}

export class StandInIssuer {
  private constructor(options?: StandInOptions);
  static start(options?: StandInOptions): Promise<StandInIssuer>;
  issuer: string;
  readonly audience: string;
  jwksUri: string;
  introspectionUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  keys: SigningKey[];
  introspectionMode: IntrospectionMode;
  slowMs: number;
  /** What the metadata endpoints do. */
  metadataMode: Exclude<EndpointMode, 'refused'>;
  /** What the JWKS endpoint does; set with setJwksMode. */
  readonly jwksMode: EndpointMode;
  /** 'refused' closes its port (every endpoint refuses) and reopens the same port when it ends. */
  setJwksMode(mode: EndpointMode): Promise<void>;
  jwksRequests: number;
  metadataRequests: number;
  introspectionRequests: number;
  /** Connections to its port that were refused (JWKS mode 'refused'). */
  refusedConnections: number;
  /** Every request it counts (JWKS and metadata) plus refused connections. */
  readonly attempts: number;
  readonly opaque: Map<string, Record<string, unknown>>;
  /** Settings for the API server: trust this issuer (its JWKS named), no built-in authorization server. */
  readonly env: Record<string, string>;
  readonly currentKey: SigningKey;
  stop(): Promise<void>;
  /** Key rotation: a new key signs from now on; the old one stays published unless dropped. */
  rotate(options?: { dropOld?: boolean }): Promise<SigningKey>;
  /** An ordinary caller's access token (RFC 9068) for this audience with these scopes; claims override the defaults. */
  token(scope: string | readonly string[], claims?: JWTPayload & { expiresIn?: string }): Promise<string>;
  /** A JWT access token as RFC 9068 describes it; anything can be overridden to make it hostile. */
  sign(claims?: JWTPayload & Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** An opaque token that introspection will describe with these claims. */
  issueOpaque(claims?: Record<string, unknown>): string;
}
