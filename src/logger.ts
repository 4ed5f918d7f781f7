// The logger every module writes to (pino's). Made once by the server with the
// redacting serializers (src/http/logger.ts createLogger); modules take it as
// a parameter and import only this type.
export type { Logger } from 'pino';
