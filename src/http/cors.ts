// CORS for the API doors (/v1, /graphql): an allowed origin gets the `cors`
// package's answer (preflight and simple requests), any other origin no CORS
// header at all. Not mounted on /oauth: the authorization server decides per
// client there (clientBasedCORS in src/oauth/provider.ts), and skips its own
// check when a response already carries Access-Control-* headers.
import cors from 'cors';
import type { RequestHandler } from 'express';
import { originMatcher, type OriginPattern } from './origins.js';

export function apiCors(patterns: readonly OriginPattern[]): RequestHandler {
  const allowed = originMatcher(patterns);
  const handler = cors({
    origin: (origin, callback) => callback(null, allowed(origin)),
    // A browser app reads the challenge of a 401/403, the Location of a 201, the ETag for If-Match.
    exposedHeaders: ['Location', 'ETag', 'WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
  return (req, res, next) => {
    // The answer depends on Origin, whether or not it is allowed: caches must key on it.
    res.vary('Origin');
    if (!allowed(req.headers.origin)) return next();
    handler(req, res, next);
  };
}
