// Structured logs (pino). Nothing secret reaches a line: requests and
// responses go through the allow-list serializers (src/http/redact.ts: only
// known headers, credentials and cookies only as present, query values only
// of known parameters), and the paths below blank secret field names
// wherever else a module might log them.
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../logger.js';
import { REDACTED, logSerializers } from './redact.js';
import { currentTraceIds, tracingActive } from '../observability/tracing.js';

/** The type lives at the top level (src/logger.ts); re-exported for the modules that import it from here. */
export type { Logger };

const SECRET_FIELDS = ['token', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'password', 'code_verifier'];

/** `destination`: where lines go (default stdout); tests pass a stream to read the log. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // With traces on, every line logged within a request carries its trace_id (and span_id).
      ...(tracingActive() ? { mixin: () => currentTraceIds() ?? {} } : {}),
      serializers: logSerializers,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["proxy-authorization"]',
          'req.headers.cookie',
          'req.body',
          'res.headers["set-cookie"]',
          ...SECRET_FIELDS,
          ...SECRET_FIELDS.map((f) => `*.${f}`),
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}
