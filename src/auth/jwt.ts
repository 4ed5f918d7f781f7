// Verifies JWT access tokens (RFC 9068) of one trusted issuer with jose, with
// the issuer's keys (src/auth/issuer-keys.ts).
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { TrustedIssuer } from './types.js';
import { TokenRejected, UpstreamUnavailable, type RejectionReason } from './problems.js';

/** Asymmetric only: `none` and HS* (whose "secret" could be a public key) are never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

// RFC 9068 §4 asks for `at+jwt`; plain JWTs are common and accepted. RFC 7515
// §4.1.9: `typ` is case-insensitive and "application/" may be omitted.
function acceptableType(typ: string | undefined): boolean {
  if (typ === undefined) return true;
  const t = typ.toLowerCase().replace(/^application\//, '');
  return t === 'at+jwt' || t === 'jwt';
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return 'The access token is not valid yet.';
      case 'aud':
        return 'The access token is not for this API (audience).';
      case 'iss':
        return 'The access token comes from an untrusted issuer.';
      case 'iat':
        return "The access token's issue time (iat) is invalid.";
      default:
        return `The access token's ${error.claim.replace(/[^\w.-]/g, '').slice(0, 40)} claim is missing or invalid.`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not accepted.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The access token is signed with an unknown key.';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'The access token does not say which key signed it.';
  return 'The access token is malformed.';
}

function reasonOf(error: unknown): RejectionReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'nbf') return 'not_yet_valid';
    if (error.claim === 'iss') return 'untrusted_issuer';
    return 'invalid';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'unknown_key';
  return 'malformed';
}

export interface VerifiedJwt {
  payload: JWTPayload;
}

export async function verifyJwt(
  token: string,
  issuer: TrustedIssuer,
  keys: JWTVerifyGetKey,
  clockToleranceS: number,
): Promise<VerifiedJwt> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms: ACCEPTED_ALGORITHMS,
      clockTolerance: clockToleranceS,
      requiredClaims: ['exp'], // RFC 9068 §2.2: access tokens always expire
    });
    if (!acceptableType(protectedHeader.typ)) throw new TokenRejected('The token is not an access token for this API (typ).');
    // jose checks `iat` only against a maxTokenAge, which would also make it
    // required; a token claiming to be issued in the future (RFC 7519 §4.1.6) is refused here.
    if (typeof payload.iat === 'number' && payload.iat - clockToleranceS > Date.now() / 1000) {
      throw new TokenRejected("The access token's issue time (iat) is in the future.", 'not_yet_valid');
    }
    return { payload };
  } catch (error) {
    if (error instanceof TokenRejected || error instanceof UpstreamUnavailable) throw error;
    throw new TokenRejected(describe(error), reasonOf(error));
  }
}
