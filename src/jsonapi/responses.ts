// Writing JSON:API responses: the media type, strong ETags on reads and
// `If-None-Match` → 304 (RFC 9110 §8.8.3, §13.1.2).
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { MEDIA_TYPE } from './negotiation.js';

export interface Reply {
  status: number;
  document?: object;
  headers?: Record<string, string>;
  /** The document's media type when it is not the plain JSON:API one (an extension's, with its `ext`). */
  mediaType?: string;
}

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: weak comparison; `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export function send(req: Request, res: Response, reply: Reply): void {
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  // The answer depends on the Accept header and on who asks.
  res.append('Vary', 'Accept, Authorization');
  if (reply.document === undefined) {
    res.end();
    return;
  }
  const body = JSON.stringify(reply.document);
  res.setHeader('Content-Type', reply.mediaType ?? MEDIA_TYPE);
  if ((req.method === 'GET' || req.method === 'HEAD') && reply.status === 200) {
    const etag = etagOf(body);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      res.status(304);
      res.removeHeader('Content-Type');
      res.end();
      return;
    }
  }
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}
