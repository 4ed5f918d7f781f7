// Which browser origins may call the API (CORS_ORIGINS): exact origins
// (`https://app.example`), origins with any port (`http://localhost:*`), or `*`
// for any. The `null` origin (sandboxed frames, file: pages, some redirects) is
// never allowed: any page can make its requests come from `null`.

/** A checked CORS_ORIGINS entry: `*`, an origin, or an origin without port plus `:*`. */
export type OriginPattern = string;

/** Frontend dev servers on this machine: the default outside production. */
export const DEV_ORIGIN_PATTERNS: readonly OriginPattern[] = ['http://localhost:*', 'http://127.0.0.1:*'];

/** Normalises one CORS_ORIGINS entry, or says what is wrong with it. */
export function parseOriginPattern(entry: string): { pattern: OriginPattern } | { problem: string } {
  if (entry === '*') return { pattern: '*' };
  if (entry.toLowerCase() === 'null') return { problem: 'the null origin cannot be allowed (any page can send it, from a sandboxed frame)' };
  const anyPort = entry.endsWith(':*');
  const base = anyPort ? entry.slice(0, -2) : entry;
  const url = URL.parse(base);
  const shape = 'expected an origin such as https://app.example or http://localhost:* (scheme, host, optional port or :*)';
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return { problem: `${shape}, got "${entry}"` };
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password || base.endsWith('?') || base.endsWith('#')) {
    return { problem: `${shape}, got "${entry}" (an origin has no path, query or credentials)` };
  }
  if (url.hostname.includes('*')) return { problem: `${shape}, got "${entry}" (only the port may be a wildcard)` };
  if (anyPort && url.port) return { problem: `${shape}, got "${entry}" (a port and :* together)` };
  return { pattern: anyPort ? `${url.origin}:*` : url.origin };
}

/** A test for the Origin header against the patterns; `null` and malformed origins never pass. */
export function originMatcher(patterns: readonly OriginPattern[]): (origin: string | undefined) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const anyPort = new Set(patterns.filter((p) => p.endsWith(':*')).map((p) => p.slice(0, -2)));
  const any = patterns.includes('*');
  return (origin) => {
    if (!origin || origin === 'null') return false;
    const url = URL.parse(origin);
    // RFC 6454 §6.1: a serialised origin is exactly scheme://host[:port]; anything else is not one.
    if (!url || url.origin !== origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
    return any || exact.has(origin) || anyPort.has(`${url.protocol}//${url.hostname}`);
  };
}
