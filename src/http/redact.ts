// What the log may show of a request or response: URLs with their secret
// parameters blanked, headers without credentials or cookies, never a body.
// Used as the logger's req/res/err serializers, so every line about a
// request goes through here, whichever module writes it.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { stdSerializers } from 'pino';

export const REDACTED = '[redacted]';

/**
 * Parameters whose value is a credential or unlocks one: tokens of every kind
 * (RFC 6749, 7009, 7662, 8693, OIDC id_token_hint, logout_token), codes and
 * their PKCE verifier (RFC 7636), client secrets and assertions (RFC 7523),
 * passwords, and `state`, the client's CSRF token (RFC 6749 §10.12): a log
 * gains nothing from any of them.
 */
const SECRET_PARAMETERS = new Set([
  'code',
  'code_verifier',
  'state',
  'device_code',
  'user_code',
  'assertion',
  'client_assertion',
  'id_token_hint',
  'session_state',
]);
/** Anything named …token, …secret, …password or …key: access_token, refresh_token, client_secret, api_key, … */
const SECRET_SUFFIX = /(?:^|[_-])(?:token|secret|password|passwd|pwd|key)$/;

export function isSecretParameter(name: string): boolean {
  // `access_token[]` and `access_token[x]` are the same parameter to some parsers.
  const base = name.toLowerCase().replace(/\[.*$/, '');
  return SECRET_PARAMETERS.has(base) || SECRET_SUFFIX.test(base) || base === 'token' || base === 'password' || base === 'secret';
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** `a=1&code=xyz` → `a=1&code=[redacted]`; the rest is left as sent. */
function redactParameters(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      return isSecretParameter(decodeName(pair.slice(0, eq))) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * A URL (absolute or path) with the values of secret query parameters
 * blanked, and those of the fragment too (an authorization response may come
 * back in it, OAuth 2.0 Multiple Response Types §2.1).
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const question = beforeHash.indexOf('?');
  const redacted = question < 0 ? beforeHash : `${beforeHash.slice(0, question + 1)}${redactParameters(beforeHash.slice(question + 1))}`;
  return fragment === undefined ? redacted : `${redacted}#${redactParameters(fragment)}`;
}

/** Parsed query parameters (Express's req.query) with secret values blanked. */
export function redactQuery(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, isSecretParameter(name) ? REDACTED : value]));
}

/** Credentials and cookies (RFC 9110 §11.6, RFC 6265) and the usual API-key headers. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token', 'x-amz-security-token']);
/** Headers carrying a URL, which may hold a code or token in its query. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer', 'x-original-url', 'x-rewrite-url', 'x-forwarded-uri']);

export function redactHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders | undefined): Record<string, unknown> | undefined {
  if (!headers) return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (SECRET_HEADERS.has(key)) out[name] = REDACTED;
    else if (URL_HEADERS.has(key)) out[name] = Array.isArray(value) ? value.map((v) => redactUrl(String(v))) : typeof value === 'string' ? redactUrl(value) : value;
    else out[name] = value;
  }
  return out;
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  query?: unknown;
  params?: unknown;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  remotePort?: number;
}

/** pino-http's request serializer: takes what pino-std-serializers made of the request. */
export function redactRequest(req: SerializedRequest): SerializedRequest {
  return {
    id: req.id,
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    query: redactQuery(req.query),
    params: req.params,
    headers: redactHeaders(req.headers) as IncomingHttpHeaders,
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}

/** pino-http's response serializer: status and headers, the Location's code and Set-Cookie blanked. */
export function redactResponse(res: { statusCode?: number; headers?: OutgoingHttpHeaders }): { statusCode?: number; headers?: Record<string, unknown> } {
  return { statusCode: res.statusCode, headers: redactHeaders(res.headers) };
}

/** Errors keep message and stack; what body-parser attaches (the raw body) and any URL or headers they carry are blanked. */
export function redactSerializedError(err: unknown): unknown {
  if (!err || typeof err !== 'object') return err;
  const out = { ...(err as Record<string, unknown>) };
  for (const key of ['body', 'rawBody', 'form']) if (key in out) out[key] = REDACTED;
  for (const key of ['url', 'originalUrl']) if (typeof out[key] === 'string') out[key] = redactUrl(out[key] as string);
  for (const key of ['headers', 'requestHeaders']) if (out[key] && typeof out[key] === 'object') out[key] = redactHeaders(out[key] as IncomingHttpHeaders);
  return out;
}

/** For pino-http, which applies pino-std-serializers first and hands over the result. */
export const httpLogSerializers = { req: redactRequest, res: redactResponse, err: redactSerializedError };

/** For the logger itself, which receives the raw request, response or error. */
export const logSerializers = {
  req: stdSerializers.wrapRequestSerializer(redactRequest as Parameters<typeof stdSerializers.wrapRequestSerializer>[0]),
  res: stdSerializers.wrapResponseSerializer(redactResponse as Parameters<typeof stdSerializers.wrapResponseSerializer>[0]),
  err: (err: unknown) => redactSerializedError(stdSerializers.err(err as Error)),
};
