// `npm run token`: an access token from the running server's built-in
// authorization server (client credentials grant), for curl and the
// playground's Authorization header. The token goes to stdout alone, so that
// TOKEN=$(npm run -s token -- --scope read) works; everything else to stderr.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { DEMO_CLIENT_ID } from './clients.js';
import { DEFAULT_CLIENT_SECRET } from './secrets.js';

export const TOKEN_USAGE = `usage: npm run token -- [--scope "read create"] [--client-id ID] [--client-secret SECRET] [--json]
  Prints an access token from the running server (PUBLIC_URL, else http://localhost:PORT).
  --scope          space-separated scopes (default: read)
  --client-id      default: demo_client
  --client-secret  default: DEV_CLIENT_SECRET, else the documented local default
  --json           print the whole token response`;

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the command; returns the process exit code (0 ok, 1 refused or unreachable, 2 usage). */
export async function runTokenCommand(argv: string[], env: Record<string, string | undefined>, io: CommandIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        scope: { type: 'string', default: 'read' },
        'client-id': { type: 'string', default: DEMO_CLIENT_ID },
        'client-secret': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`${(error as Error).message}\n${TOKEN_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(TOKEN_USAGE);
    return 0;
  }

  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
  const tokenUrl = `${config.publicUrl}/oauth/token`;
  const clientId = args['client-id'];
  const secret = args['client-secret'] ?? (clientId === DEMO_CLIENT_ID ? (config.devAuthServer.clientSecret ?? DEFAULT_CLIENT_SECRET) : undefined);
  if (secret === undefined) {
    io.err(`--client-secret is needed for client ${clientId}`);
    return 2;
  }

  let res: Response;
  try {
    res = await fetch(tokenUrl, {
      method: 'POST',
      headers: {
        // RFC 6749 §2.3.1: each part form-urlencoded, then Base64.
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        accept: 'application/json',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: args.scope }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    io.err(`cannot reach ${tokenUrl} (${(error as Error).message}). Is the server running (npm start), with DEV_AUTH_SERVER on and the same PORT/PUBLIC_URL?`);
    return 1;
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below
  }
  if (res.status === 404) {
    io.err(`${tokenUrl} answered 404: the built-in authorization server is off (DEV_AUTH_SERVER=0 or NODE_ENV=production).`);
    return 1;
  }
  if (!res.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${res.status} ${text.slice(0, 200)}`;
    io.err(`the token request was refused (${reason})`);
    return 1;
  }
  io.out(args.json ? JSON.stringify(body, null, 2) : body.access_token);
  return 0;
}
