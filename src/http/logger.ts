// Structured logs (pino). Authorization headers and tokens are redacted so a
// bearer token never reaches a log line.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'token', '*.token', 'access_token', 'refresh_token'],
      censor: '[redacted]',
    },
  });
}
