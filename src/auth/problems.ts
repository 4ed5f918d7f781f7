// Internal outcomes of token checking, free of HTTP detail; the context builder
// turns them into the public errors of errors.ts (which carry the realm).

/** Why, for the token-outcome metrics (src/observability/metrics.ts): a fixed set. */
export type RejectionReason = 'expired' | 'not_yet_valid' | 'bad_signature' | 'unknown_key' | 'wrong_audience' | 'untrusted_issuer' | 'malformed' | 'inactive' | 'invalid';

/** The token is not acceptable: becomes 401 invalid_token with this description. */
export class TokenRejected extends Error {
  constructor(
    readonly description: string,
    readonly reason: RejectionReason = 'invalid',
  ) {
    super(description);
    this.name = 'TokenRejected';
  }
}

/** The authorization server could not be asked: becomes 503, and grants nothing. */
export class UpstreamUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamUnavailable';
  }
}
