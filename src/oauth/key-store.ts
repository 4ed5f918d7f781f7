// The built-in authorization server's keys, in the database (table oauth_key)
// so that every instance signs and verifies with the same set:
// - signing keys: the newest one whose activation time has come signs; every
//   other stored one stays published in the JWKS. A rotation stores a new key
//   that activates a little later (`activationDelayMs`), so every instance,
//   rereading the set every DEV_KEYS_REFRESH_S, publishes it before any signs
//   with it; the newest RETIRED_KEYS_KEPT retired keys stay published.
// - cookie keys (unless DEV_COOKIE_SECRET derives them): one random key.
// Private keys are encrypted (AES-256-GCM, key derived from DEV_KEYS_SECRET)
// when that secret is set; production mode requires it (secrets.ts).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import type { Prisma } from '../db/database.js';
import { DEFAULT_JWKS_COOLDOWN_MS } from '../auth/issuer-keys.js';
import { RETIRED_KEYS_KEPT, generateSigningKey, isOnDisk, keyFilePath, readSigningKeys } from './keys.js';

export class KeyStoreError extends Error {
  readonly code = 'ERR_OAUTH_KEYS';
}

export interface KeySet {
  /** Private JWKs: the one that signs first, then every other published one. */
  signing: JWK[];
  /** Cookie keys stored in the database (empty when DEV_COOKIE_SECRET derives them). */
  cookie: string[];
  /** Changes whenever what is published or what signs changes. */
  version: string;
  /** When a stored key activates next (the set must be read again then), if any. */
  nextActivation?: number;
}

const ENCRYPTED_PREFIX = 'v1.';

function derivedKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'course-catalogue', 'oauth_key private keys', 32));
}

export function sealSecret(plain: string, secret: string | undefined): { secret: string; encrypted: boolean } {
  if (!secret) return { secret: plain, encrypted: false };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { secret: `${ENCRYPTED_PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`, encrypted: true };
}

export function openSecret(kid: string, stored: string, encrypted: boolean, secret: string | undefined): string {
  if (!encrypted) return stored;
  if (!secret) throw new KeyStoreError(`key ${kid} in the database is encrypted: set DEV_KEYS_SECRET to the secret it was stored with`);
  const [iv, tag, body] = stored.slice(ENCRYPTED_PREFIX.length).split('.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', derivedKey(secret), Buffer.from(iv!, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyStoreError(`key ${kid} in the database cannot be decrypted with DEV_KEYS_SECRET (a different secret?)`);
  }
}

export interface KeyStoreOptions {
  /** DEV_KEYS_SECRET: encrypts private keys and cookie keys; unset: stored in plain (not in production). */
  secret?: string;
  /** How long after a rotation the new key starts signing. */
  activationDelayMs: number;
}

/**
 * A rotation's key signs only once every instance has reread the set twice and
 * published it, and once every verifier that fetched the JWKS just before it
 * was published may fetch it again (this server's verifier, and jose's in
 * other services, wait DEFAULT_JWKS_COOLDOWN_MS between fetches): so a token
 * with the new key id is never refused because a verifier's copy of the JWKS
 * is too recent to refresh.
 */
export const activationDelayFor = (refreshS: number): number => Math.max(2 * refreshS * 1000, refreshS * 1000 + DEFAULT_JWKS_COOLDOWN_MS) + 1000;

export class KeyStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly options: KeyStoreOptions,
  ) {}

  /** The stored keys, creating the first signing (and cookie) key if there is none. */
  async load(options: { cookieKeys: boolean } = { cookieKeys: true }): Promise<KeySet> {
    let rows = await this.prisma.oauthKey.findMany({ orderBy: [{ activatesAt: 'desc' }, { kid: 'desc' }] });
    const missingSigning = !rows.some((r) => r.use === 'sig');
    const missingCookie = options.cookieKeys && !rows.some((r) => r.use === 'cookie');
    if (missingSigning || missingCookie) {
      if (missingSigning) await this.add(await generateSigningKey(), new Date(0));
      if (missingCookie) await this.addCookieKey(randomBytes(32).toString('base64url'));
      rows = await this.prisma.oauthKey.findMany({ orderBy: [{ activatesAt: 'desc' }, { kid: 'desc' }] });
    }
    const now = Date.now();
    const signingRows = rows.filter((r) => r.use === 'sig');
    const active = signingRows.find((r) => r.activatesAt.getTime() <= now) ?? signingRows[signingRows.length - 1]!;
    const ordered = [active, ...signingRows.filter((r) => r !== active)];
    const signing = ordered.map((r) => JSON.parse(openSecret(r.kid, r.secret, r.encrypted, this.options.secret)) as JWK);
    const cookie = rows.filter((r) => r.use === 'cookie').map((r) => openSecret(r.kid, r.secret, r.encrypted, this.options.secret));
    const pending = signingRows.map((r) => r.activatesAt.getTime()).filter((t) => t > now);
    return {
      signing,
      cookie,
      version: `${active.kid}|${ordered.map((r) => r.kid).join(',')}|${rows.filter((r) => r.use === 'cookie').map((r) => r.kid).join(',')}`,
      nextActivation: pending.length ? Math.min(...pending) : undefined,
    };
  }

  /** Stores a signing key (private JWK with its kid) that signs from `activatesAt`. */
  async add(jwk: JWK, activatesAt: Date): Promise<void> {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const sealed = sealSecret(JSON.stringify(jwk), this.options.secret);
    await this.prisma.oauthKey.createMany({
      data: [{ kid: jwk.kid!, use: 'sig', publicJwk: publicJwk, secret: sealed.secret, encrypted: sealed.encrypted, activatesAt }],
      skipDuplicates: true,
    });
  }

  private async addCookieKey(key: string): Promise<void> {
    const sealed = sealSecret(key, this.options.secret);
    // One fixed kid: instances starting together agree on the first one stored.
    await this.prisma.oauthKey.createMany({
      data: [{ kid: 'cookie-1', use: 'cookie', secret: sealed.secret, encrypted: sealed.encrypted, activatesAt: new Date(0) }],
      skipDuplicates: true,
    });
  }

  /** A new signing key, signing after the activation delay; the oldest retired keys beyond RETIRED_KEYS_KEPT are removed. */
  async rotate(): Promise<{ current: string; activatesAt: Date; published: string[]; dropped: string[] }> {
    await this.load({ cookieKeys: false });
    const key = await generateSigningKey();
    const activatesAt = new Date(Date.now() + this.options.activationDelayMs);
    await this.add(key, activatesAt);
    const rows = await this.prisma.oauthKey.findMany({ where: { use: 'sig' }, orderBy: [{ activatesAt: 'desc' }, { kid: 'desc' }] });
    // The new key, the one signing now, and RETIRED_KEYS_KEPT - 1 older ones: every key that signed
    // a token still within its lifetime in the usual case stays published.
    const kept = rows.slice(0, 1 + RETIRED_KEYS_KEPT);
    const dropped = rows.slice(kept.length).map((r) => r.kid);
    if (dropped.length) await this.prisma.oauthKey.deleteMany({ where: { kid: { in: dropped } } });
    return { current: key.kid!, activatesAt, published: kept.map((r) => r.kid), dropped };
  }

  /**
   * One-time import of an earlier version's DATA_DIR/oauth/keys.json and
   * cookie-keys.json when the database has no keys yet; the files are renamed
   * `*.imported` so that the database is the only copy in use.
   */
  async importFiles(dataDir: string): Promise<string[]> {
    if (!isOnDisk(dataDir)) return [];
    const imported: string[] = [];
    const keyFile = keyFilePath(dataDir);
    if (existsSync(keyFile) && (await this.prisma.oauthKey.count({ where: { use: 'sig' } })) === 0) {
      const keys = readSigningKeys(keyFile)?.keys ?? [];
      // The file's first key signed: it stays the active one (newest activation time).
      const base = Date.now() - keys.length * 1000;
      for (const [i, key] of keys.entries()) await this.add(key, new Date(base - i * 1000));
      renameSync(keyFile, `${keyFile}.imported`);
      imported.push(keyFile);
    }
    const cookieFile = join(dataDir, 'oauth', 'cookie-keys.json');
    if (existsSync(cookieFile) && (await this.prisma.oauthKey.count({ where: { use: 'cookie' } })) === 0) {
      try {
        const stored: unknown = JSON.parse(readFileSync(cookieFile, 'utf8'));
        if (Array.isArray(stored) && typeof stored[0] === 'string' && stored[0].length >= 32) await this.addCookieKey(stored[0]);
      } catch {
        // An unreadable file: a new cookie key; people sign in again.
      }
      renameSync(cookieFile, `${cookieFile}.imported`);
      imported.push(cookieFile);
    }
    return imported;
  }
}
