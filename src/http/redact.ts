// What the log may show of a request or response, by allow list: a secret
// under a name nobody thought of (a proxy's X-Forwarded-Access-Token, a
// parameter spelt `access_token%00`) stays out because it was never let in.
// Headers: those named below, credentials only as [redacted] (so a line
// still shows that one was sent), URLs with their query redacted; the rest
// are left out and counted. Query and fragment: every parameter's name, the
// value only for the parameters below. Never a body. Used as the logger's
// req/res/err serializers, so every line about a request goes through here,
// whichever module writes it.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { stdSerializers } from 'pino';

export const REDACTED = '[redacted]';

/**
 * Parameters whose values an operator needs and no client sends a secret
 * in: JSON:API's (docs/jsonapi.md), GraphQL over GET's operation and name
 * (not its variables), and the non-secret ones of OAuth 2.0 / OpenID Connect
 * requests and answers (RFC 6749 §4.1.1, §4.1.2.1; OIDC Core §3.1.2.1,
 * RP-Initiated Logout §2; RFC 7636 §4.3; RFC 9207 `iss`). Codes, states,
 * nonces, PKCE values, hints and every kind of token are not here.
 */
const LOGGED_PARAMETERS = new Set([
  'include',
  'sort',
  'query',
  'operationName',
  'client_id',
  'response_type',
  'response_mode',
  'scope',
  'redirect_uri',
  'post_logout_redirect_uri',
  'prompt',
  'code_challenge_method',
  'max_age',
  'ui_locales',
  'iss',
  'error',
  'error_description',
]);
/** JSON:API's parameter families: page[size], fields[courses], filter[course_name.icontains], … */
const LOGGED_FAMILIES = /^(?:page|fields|filter)\[[A-Za-z0-9_.-]{1,100}\]$/;
/** A value shaped like a JWT (JWS compact serialization, RFC 7515 §7.1) is never shown, whatever its name. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;
/** Longer names are no parameter an operator needs to see, and could be a token sent as a name. */
const MAX_NAME_LENGTH = 64;

/** The name as a parser would see it; undefined when it is not valid percent-encoding. */
function decodeName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Whether a parameter's value may be logged. Exact names only: `access_token%00`, `Sort` or `sort ` are not `sort`. */
export function isLoggedParameter(rawName: string): boolean {
  const name = decodeName(rawName);
  return name !== undefined && (LOGGED_PARAMETERS.has(name) || LOGGED_FAMILIES.test(name));
}

function redactPair(pair: string): string {
  if (!pair) return pair;
  const eq = pair.indexOf('=');
  const rawName = eq < 0 ? pair : pair.slice(0, eq);
  // A bare name (`?<token>`) is all value as far as the log is concerned.
  if (eq < 0) return isLoggedParameter(rawName) ? pair : REDACTED;
  const name = rawName.length > MAX_NAME_LENGTH ? REDACTED : rawName;
  const value = pair.slice(eq + 1);
  if (!value) return `${name}=`;
  return isLoggedParameter(rawName) && !JWT_SHAPED.test(decodeName(value) ?? value) ? pair : `${name}=${REDACTED}`;
}

/**
 * `sort=title&access_token=xyz` → `sort=title&access_token=[redacted]`. `;`
 * separates parameters too (as some parsers and proxies read it), so
 * `sort=x;access_token=y` cannot carry a value past the allow list.
 */
function redactParameters(query: string): string {
  return query
    .split(/([&;])/)
    .map((part, i) => (i % 2 ? part : redactPair(part)))
    .join('');
}

/**
 * A URL (absolute or path) with the query and fragment redacted (an
 * authorization response may come back in the fragment, OAuth 2.0 Multiple
 * Response Types §2.1).
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? undefined : url.slice(hash + 1);
  const question = beforeHash.indexOf('?');
  const redacted = question < 0 ? beforeHash : `${beforeHash.slice(0, question + 1)}${redactParameters(beforeHash.slice(question + 1))}`;
  return fragment === undefined ? redacted : `${redacted}#${redactParameters(fragment)}`;
}

/** How a logged header appears: as sent, as a redacted URL, or only as present. */
type HeaderRule = 'value' | 'url' | 'present';

/** Request headers an operator needs to follow a request and its client, proxy, CORS and caching questions. */
const REQUEST_HEADERS: Record<string, HeaderRule> = {
  host: 'value',
  'user-agent': 'value',
  accept: 'value',
  'accept-encoding': 'value',
  'accept-language': 'value',
  'content-type': 'value',
  'content-length': 'value',
  'content-encoding': 'value',
  'transfer-encoding': 'value',
  connection: 'value',
  origin: 'value',
  referer: 'url',
  'x-request-id': 'value',
  traceparent: 'value',
  'x-forwarded-for': 'value',
  'x-forwarded-proto': 'value',
  'x-forwarded-host': 'value',
  'x-forwarded-port': 'value',
  forwarded: 'value',
  via: 'value',
  'if-match': 'value',
  'if-none-match': 'value',
  'sec-fetch-site': 'value',
  'sec-fetch-mode': 'value',
  'sec-fetch-dest': 'value',
  'access-control-request-method': 'value',
  'access-control-request-headers': 'value',
  // Apollo's CSRF prevention asks for one of these on simple requests.
  'apollo-require-preflight': 'value',
  'x-apollo-operation-name': 'value',
  // Credentials (RFC 9110 §11.6) and cookies (RFC 6265): whether one was sent, not what.
  authorization: 'present',
  'proxy-authorization': 'present',
  cookie: 'present',
};

const RESPONSE_HEADERS: Record<string, HeaderRule> = {
  'content-type': 'value',
  'content-length': 'value',
  'content-encoding': 'value',
  location: 'url',
  'content-location': 'url',
  'retry-after': 'value',
  // RFC 6750 §3 challenges: error codes and fixed descriptions, never the token.
  'www-authenticate': 'value',
  ratelimit: 'value',
  'ratelimit-policy': 'value',
  allow: 'value',
  etag: 'value',
  'cache-control': 'value',
  vary: 'value',
  'access-control-allow-origin': 'value',
  'x-request-id': 'value',
  'set-cookie': 'present',
};

/** Errors may carry either kind (http-errors, fetch failures): the union, credentials winning. */
const ANY_HEADERS: Record<string, HeaderRule> = { ...RESPONSE_HEADERS, ...REQUEST_HEADERS };

type Headers = IncomingHttpHeaders | OutgoingHttpHeaders;

export interface LoggedHeaders {
  headers: Record<string, unknown>;
  /** How many headers were left out; 0 when none. */
  omitted: number;
}

function shown(rule: HeaderRule, value: unknown): unknown {
  if (rule === 'present') return REDACTED;
  if (rule === 'url') return Array.isArray(value) ? value.map((v) => redactUrl(String(v))) : typeof value === 'string' ? redactUrl(value) : value;
  return value;
}

function allowHeaders(headers: Headers | undefined, rules: Record<string, HeaderRule>): LoggedHeaders {
  const out: Record<string, unknown> = {};
  let omitted = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const rule = Object.hasOwn(rules, name.toLowerCase()) ? rules[name.toLowerCase()] : undefined;
    if (rule) out[name] = shown(rule, value);
    else omitted++;
  }
  return { headers: out, omitted };
}

export const requestHeadersForLog = (headers: Headers | undefined) => allowHeaders(headers, REQUEST_HEADERS);
export const responseHeadersForLog = (headers: Headers | undefined) => allowHeaders(headers, RESPONSE_HEADERS);

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  params?: unknown;
  headers?: IncomingHttpHeaders;
  remoteAddress?: string;
  remotePort?: number;
}

/**
 * pino-http's request serializer: takes what pino-std-serializers made of the
 * request. No `query`: the URL shows it, redacted once, as sent (a second
 * parser's reading of it is one more place for a value to slip through).
 */
export function redactRequest(req: SerializedRequest): Record<string, unknown> {
  const { headers, omitted } = requestHeadersForLog(req.headers);
  return {
    id: req.id,
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    params: req.params,
    headers,
    ...(omitted ? { headersOmitted: omitted } : {}),
    remoteAddress: req.remoteAddress,
    remotePort: req.remotePort,
  };
}

/** pino-http's response serializer: status and the allowed headers. */
export function redactResponse(res: { statusCode?: number; headers?: OutgoingHttpHeaders }): Record<string, unknown> {
  const { headers, omitted } = responseHeadersForLog(res.headers);
  return { statusCode: res.statusCode, headers, ...(omitted ? { headersOmitted: omitted } : {}) };
}

/** Errors keep message and stack; what body-parser attaches (the raw body) is blanked, URLs and headers as above. */
export function redactSerializedError(err: unknown): unknown {
  if (!err || typeof err !== 'object') return err;
  const out = { ...(err as Record<string, unknown>) };
  for (const key of ['body', 'rawBody', 'form']) if (key in out) out[key] = REDACTED;
  for (const key of ['url', 'originalUrl']) if (typeof out[key] === 'string') out[key] = redactUrl(out[key]);
  for (const key of ['headers', 'requestHeaders']) if (out[key] && typeof out[key] === 'object') out[key] = allowHeaders(out[key] as Headers, ANY_HEADERS).headers;
  return out;
}

/** For pino-http, which applies pino-std-serializers first and hands over the result. */
export const httpLogSerializers = { req: redactRequest, res: redactResponse, err: redactSerializedError };

/** For the logger itself, which receives the raw request, response or error. */
export const logSerializers = {
  req: stdSerializers.wrapRequestSerializer(redactRequest),
  res: stdSerializers.wrapResponseSerializer(redactResponse),
  err: (err: unknown) => redactSerializedError(stdSerializers.err(err as Error)),
};
