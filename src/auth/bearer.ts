// Finds the bearer token of a request (RFC 6750 §2). Only the Authorization
// header is accepted: the query form (§2.3) leaks into logs and browser
// history, and the body form (§2.2) is easy to send by accident, so both are
// refused outright rather than ignored, as is more than one credential.
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from './errors.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export interface BearerSource {
  headers: IncomingHttpHeaders;
  /** Node drops repeated Authorization headers from `headers`; the raw list still shows them. */
  rawHeaders?: string[];
  query?: unknown;
  body?: unknown;
}

function hasAccessTokenParameter(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, 'access_token');
}

/** The token, undefined when the request carries no credential at all; throws InvalidRequestError (400). */
export function extractBearerToken(req: BearerSource, realm: string): string | undefined {
  const header = req.headers.authorization;
  const inQuery = hasAccessTokenParameter(req.query);
  const inBody = hasAccessTokenParameter(req.body);
  if (inQuery || inBody) {
    throw new InvalidRequestError(
      header !== undefined
        ? 'Send the access token once, in the Authorization header only.'
        : `Send the access token in the Authorization header, not as an access_token ${inQuery ? 'query' : 'body'} parameter.`,
      realm,
    );
  }
  if (header === undefined) return undefined;
  if (req.rawHeaders) {
    let count = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (name.length === 13 && name.toLowerCase() === 'authorization') count++; // length first: this runs on every request
    }
    if (count > 1) throw new InvalidRequestError('Send one Authorization header, not several.', realm);
  }
  const match = BEARER.exec(header);
  if (!match) {
    const scheme = /^\S+/.exec(header)?.[0] ?? '';
    throw new InvalidRequestError(
      scheme.toLowerCase() === 'bearer'
        ? 'The Authorization header is malformed: expected "Bearer" followed by one token.'
        : 'Only Bearer authentication is accepted (RFC 6750).',
      realm,
    );
  }
  return match[1];
}
