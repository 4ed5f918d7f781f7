// Content negotiation, JSON:API 1.1 §"Content Negotiation":
// - a request body must be `application/vnd.api+json`; media type parameters
//   other than `ext` and `profile` are 415, and so is an `ext` naming an
//   extension the endpoint does not apply: the one extension this server
//   supports, Atomic Operations (https://jsonapi.org/ext/atomic), is applied
//   at POST /v1/operations only, where the `ext` must name it;
// - when `Accept` names the JSON:API media type, only those instances count:
//   if every one carries parameters other than `ext` and `profile`, an `ext`
//   naming an extension this server does not support, or has q=0, the answer
//   is 406, whatever wildcards sit beside them; at /v1/operations, whose
//   answers use the Atomic extension, an instance must also name it in `ext`;
// - otherwise the most specific wildcard decides (RFC 9110 §12.5.1):
//   `application/*` if present, else `*/*`, served unless its q is 0;
// - no Accept (or an empty one) is served.
import { JsonApiError } from './errors.js';

export const MEDIA_TYPE = 'application/vnd.api+json';

/** The Atomic Operations extension's URI (https://jsonapi.org/ext/atomic). */
export const ATOMIC_EXT = 'https://jsonapi.org/ext/atomic';

/** The media type of documents that use the Atomic Operations extension. */
export const ATOMIC_MEDIA_TYPE = `${MEDIA_TYPE};ext="${ATOMIC_EXT}"`;

/** Extensions this server supports (it applies them where their endpoints are). */
const supportedExtensions: readonly string[] = [ATOMIC_EXT];

/** The URIs of an `ext` parameter (a space-separated list). */
const extensionsOf = (params: Map<string, string>): string[] => (params.get('ext') ?? '').split(/\s+/).filter(Boolean);

interface MediaRange {
  type: string;
  params: Map<string, string>;
  q: number;
}

/** Splits at commas/semicolons outside quoted strings (RFC 9110 §5.6). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function parseMediaRange(text: string): MediaRange | undefined {
  const [type, ...rest] = splitOutsideQuotes(text, ';').map((s) => s.trim());
  if (!type || !/^[\w.+*-]+\/[\w.+*-]+$/.test(type)) return undefined;
  const params = new Map<string, string>();
  let q = 1;
  for (const p of rest) {
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    // `q` separates media type parameters from accept-params (RFC 9110 §12.5.1).
    if (name === 'q') {
      const n = Number(value);
      q = Number.isFinite(n) ? n : 1;
      break;
    }
    params.set(name, value);
  }
  return { type: type.toLowerCase(), params, q };
}

const onlyAllowed = (params: Map<string, string>, allowed: readonly string[]) => [...params.keys()].every((k) => allowed.includes(k));

/**
 * Throws 415 unless a request body's Content-Type is the JSON:API media type
 * without unsupported parameters; `extension`: the one extension the
 * endpoint applies, which the `ext` parameter must then name (and nothing else).
 */
export function checkContentType(header: string | undefined, extension?: string): void {
  const range = header === undefined ? undefined : parseMediaRange(header);
  if (!range || range.type !== MEDIA_TYPE) {
    throw new JsonApiError(415, 'unsupported_media_type', `Send the request body as ${extension ? `${MEDIA_TYPE};ext="${extension}"` : MEDIA_TYPE}.`, { header: 'Content-Type' });
  }
  const extensions = extensionsOf(range.params);
  if (!onlyAllowed(range.params, ['ext', 'profile']) || extensions.some((e) => e !== extension)) {
    const allowed = extension ? `"profile" and ext="${extension}"` : `only the "profile" parameter; the Atomic Operations extension (ext="${ATOMIC_EXT}") is applied at /v1/operations only`;
    throw new JsonApiError(415, 'unsupported_media_type', `The Content-Type may carry ${allowed}.`, { header: 'Content-Type' });
  }
  if (extension && !extensions.includes(extension)) {
    throw new JsonApiError(415, 'unsupported_media_type', `This endpoint takes documents of the extension ${extension}: send Content-Type: ${MEDIA_TYPE};ext="${extension}".`, {
      header: 'Content-Type',
    });
  }
}

/**
 * Throws 406 when the Accept header allows no JSON:API response; `extension`:
 * the extension the answer uses, which a JSON:API instance must then name.
 */
export function checkAccept(header: string | undefined, extension?: string): void {
  if (header === undefined || header.trim() === '') return;
  const ranges = splitOutsideQuotes(header, ',')
    .map((r) => r.trim())
    .filter(Boolean)
    .map(parseMediaRange)
    .filter((r): r is MediaRange => r !== undefined);
  const jsonApi = ranges.filter((r) => r.type === MEDIA_TYPE);
  let acceptable: boolean;
  const fits = (r: MediaRange) => {
    const extensions = extensionsOf(r.params);
    return extensions.every((e) => supportedExtensions.includes(e)) && (!extension || extensions.includes(extension));
  };
  if (jsonApi.length) acceptable = jsonApi.some((r) => r.q > 0 && onlyAllowed(r.params, ['ext', 'profile']) && fits(r));
  else {
    // `application/*;q=0, */*` refuses application/vnd.api+json: the more specific range wins.
    const application = ranges.filter((r) => r.type === 'application/*');
    acceptable = (application.length ? application : ranges.filter((r) => r.type === '*/*')).some((r) => r.q > 0);
  }
  if (!acceptable) {
    const hint = extension ? ` Its answer is ${MEDIA_TYPE};ext="${extension}".` : '';
    throw new JsonApiError(406, 'not_acceptable', `Could not satisfy the request Accept header.${hint}`, { pointer: '/data' });
  }
}
