// body-parser's refusals (express.json), said once for every door: each
// carries an HTTP status and a `type`; the doors wrap the answer in their own
// error shape (JSON:API error object, GraphQL error).
export interface BodyReadError {
  status: number;
  /** body-parser's type with underscores: entity_parse_failed, entity_too_large, … */
  code: string;
  detail: string;
}

/** The refusal, or undefined when `error` is not body-parser's. `limit`: the size limit, as configured ("1mb"). */
export function bodyReadError(error: unknown, limit: string): BodyReadError | undefined {
  const e = error as { status?: unknown; type?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || typeof e.type !== 'string') return undefined;
  const unsupported = e.type === 'encoding.unsupported' || e.type === 'charset.unsupported';
  const detail =
    e.type === 'entity.parse.failed'
      ? 'The request body is not valid JSON.'
      : e.type === 'entity.too.large'
        ? `The request body is larger than ${limit}.`
        : unsupported
          ? 'The request body encoding is not supported.'
          : 'The request body cannot be read.';
  // RFC 9110 §15.5.16: an unsupported content coding or charset is 415.
  return { status: unsupported ? 415 : e.status, code: e.type.replace(/\./g, '_'), detail };
}
