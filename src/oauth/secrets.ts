// The secrets of the built-in authorization server: the demo client's secret
// and the keys that sign its cookies. Local use gets documented defaults so
// that Postman works out of the box; production mode refuses them.
import { createHmac } from 'node:crypto';
import { isStrongEnough, type ParsedHash } from './passwords.js';

/** Documented in README.md ("Get a token"); for local use only. */
export const DEFAULT_CLIENT_SECRET = 'demo_client_secret';

/** Shortest client secret production mode accepts: 32 characters, about 190 bits if random (RFC 6749 §10.10). */
export const MIN_CLIENT_SECRET_LENGTH = 32;

export class InsecureSetupError extends Error {
  readonly code = 'ERR_OAUTH_INSECURE_SETUP';
}

export interface SecretsInput {
  production: boolean;
  cookieSecret?: string;
  /** DEV_KEYS_SECRET: encrypts the private keys stored in the database. */
  keysSecret?: string;
  usersFile?: string;
  /** The users of DEV_USERS_FILE (or the demo's), with their parsed hashes. */
  users: readonly { username: string; hash?: ParsedHash }[];
  /** The registered clients, with their secrets as resolved (DEV_CLIENT_SECRET or its default). */
  clients: readonly { client_id: string; client_secret?: string }[];
}

/**
 * In production mode the built-in server must not run with anything printed in
 * our documentation (the demo client secret, the demo users' passwords),
 * generated cookie keys (nobody chose them), or secrets weak against guessing:
 * client secrets under 32 characters, passwords kept in plain or hashed with
 * too little work.
 */
export function assertProductionSecrets(input: SecretsInput): void {
  if (!input.production) return;
  const problems: string[] = [];
  for (const client of input.clients) {
    const where = `set DEV_CLIENT_SECRET (or its secret in DEV_CLIENTS_FILE)`;
    if (client.client_secret === DEFAULT_CLIENT_SECRET) problems.push(`client ${client.client_id} has the documented default secret: ${where}`);
    else if (client.client_secret !== undefined && client.client_secret.length < MIN_CLIENT_SECRET_LENGTH) {
      problems.push(`client ${client.client_id} has a secret shorter than ${MIN_CLIENT_SECRET_LENGTH} characters: it must be at least ${MIN_CLIENT_SECRET_LENGTH} characters (e.g. openssl rand -base64 32); ${where}`);
    }
  }
  if (!input.cookieSecret) problems.push('DEV_COOKIE_SECRET must be set');
  else if (input.cookieSecret.length < 32) problems.push('DEV_COOKIE_SECRET must be at least 32 characters');
  if (!input.keysSecret) problems.push('DEV_KEYS_SECRET must be set (it encrypts the signing keys kept in the database)');
  else if (input.keysSecret.length < 32) problems.push('DEV_KEYS_SECRET must be at least 32 characters');
  if (!input.usersFile) problems.push('DEV_USERS_FILE must name a users file (the demo users have documented passwords)');
  else {
    for (const user of input.users) {
      if (!user.hash) problems.push(`user ${user.username} in DEV_USERS_FILE: the password is not hashed; replace it with the output of npm run hash-password`);
      else if (!isStrongEnough(user.hash.params)) {
        problems.push(`user ${user.username} in DEV_USERS_FILE: the password hash has too low a work factor (scrypt needs r ≥ 8 and N·p ≥ 2^17); make a new one with npm run hash-password`);
      }
    }
  }
  if (problems.length) {
    throw new InsecureSetupError(
      `the built-in authorization server refuses to start in production with default secrets (or set DEV_AUTH_SERVER=0):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/**
 * Keys for oidc-provider's signed cookies derived from DEV_COOKIE_SECRET (so
 * that every instance agrees); without it they are random and kept in the
 * database (./key-store.ts).
 */
export function cookieKeysFromSecret(cookieSecret: string): string[] {
  return [createHmac('sha256', cookieSecret).update('oidc-provider cookie keys').digest('base64url')];
}
