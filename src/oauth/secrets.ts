// The secrets of the built-in authorization server: the demo client's secret
// and the keys that sign its cookies. Local use gets documented defaults so
// that Postman works out of the box; production mode refuses them.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isOnDisk } from './keys.js';

/** Documented in README.md ("Get a token"); for local use only. */
export const DEFAULT_CLIENT_SECRET = 'demo_client_secret';

export class InsecureSetupError extends Error {
  readonly code = 'ERR_OAUTH_INSECURE_SETUP';
}

export interface SecretsInput {
  production: boolean;
  cookieSecret?: string;
  usersFile?: string;
  /** The registered clients, with their secrets as resolved (DEV_CLIENT_SECRET or its default). */
  clients: readonly { client_id: string; client_secret?: string }[];
}

/**
 * In production mode the built-in server must not run with anything printed in
 * our documentation: the demo client secret, generated cookie keys (nobody
 * chose them) or the demo users' passwords.
 */
export function assertProductionSecrets(input: SecretsInput): void {
  if (!input.production) return;
  const problems: string[] = [];
  for (const client of input.clients) {
    if (client.client_secret === DEFAULT_CLIENT_SECRET) problems.push(`client ${client.client_id} has the documented default secret: set DEV_CLIENT_SECRET (or its secret in DEV_CLIENTS_FILE)`);
  }
  if (!input.cookieSecret) problems.push('DEV_COOKIE_SECRET must be set');
  else if (input.cookieSecret.length < 32) problems.push('DEV_COOKIE_SECRET must be at least 32 characters');
  if (!input.usersFile) problems.push('DEV_USERS_FILE must name a users file (the demo users have documented passwords)');
  if (problems.length) {
    throw new InsecureSetupError(
      `the built-in authorization server refuses to start in production with default secrets (or set DEV_AUTH_SERVER=0):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/**
 * Keys for oidc-provider's signed cookies. From DEV_COOKIE_SECRET when set (so
 * several processes agree), else random and kept in the data folder so that
 * sign-in sessions survive a restart.
 */
export function cookieKeys(dataDir: string, cookieSecret: string | undefined): string[] {
  if (cookieSecret) return [createHmac('sha256', cookieSecret).update('oidc-provider cookie keys').digest('base64url')];
  if (!isOnDisk(dataDir)) return [randomBytes(32).toString('base64url')];
  const file = join(dataDir, 'oauth', 'cookie-keys.json');
  if (existsSync(file)) {
    try {
      const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (Array.isArray(stored) && stored.length && stored.every((k) => typeof k === 'string' && k.length >= 32)) return stored;
    } catch {
      // An unreadable file is replaced: the only loss is that people sign in again.
    }
  }
  const keys = [randomBytes(32).toString('base64url')];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  return keys;
}
