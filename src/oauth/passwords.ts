// Password hashes for users files: scrypt (node:crypto, no dependency) in the
// PHC string format, `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64 without
// padding), so the work factor travels with each hash and can be raised later.
// The default is OWASP's minimum for scrypt: N = 2^17, r = 8, p = 1.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Shortest password `npm run hash-password` accepts (NIST SP 800-63B asks for at least 8; we ask more). */
export const MIN_PASSWORD_LENGTH = 12;

export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = { ln: 17, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** scrypt needs 128·N·r bytes; hashes asking for more than this are refused rather than run. */
const MAX_MEMORY = 256 * 1024 * 1024;

export interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

export class PasswordHashError extends Error {
  readonly code = 'ERR_PASSWORD_HASH';
}

/** Whether a users-file password is a hash (rather than a plain demo password). */
export function isPasswordHash(value: string): boolean {
  return value.startsWith('$');
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{32,})$/;

/** Reads a PHC scrypt hash; throws PasswordHashError saying what is wrong. */
export function parsePasswordHash(value: string): ParsedHash {
  if (value.startsWith('$argon2')) {
    throw new PasswordHashError('argon2 hashes are not supported here (Node 20 has no argon2); make a scrypt hash with npm run hash-password');
  }
  const match = PHC.exec(value);
  if (!match) throw new PasswordHashError('not a scrypt hash of the form $scrypt$ln=…,r=…,p=…$salt$hash (make one with npm run hash-password)');
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || r < 1 || p < 1) throw new PasswordHashError('scrypt parameters must be positive');
  if (128 * 2 ** ln * r * p > MAX_MEMORY) throw new PasswordHashError(`scrypt parameters ln=${ln},r=${r},p=${p} need more than ${MAX_MEMORY / 2 ** 20} MiB`);
  return { params: { ln, r, p }, salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') };
}

/**
 * Whether a hash's work factor reaches OWASP's minimum for scrypt: r ≥ 8 and
 * N·p ≥ 2^17 (their equivalent settings trade memory, N, for parallelism, p).
 */
export function isStrongEnough({ ln, r, p }: ScryptParams): boolean {
  return r >= 8 && 2 ** ln * p >= 2 ** DEFAULT_SCRYPT_PARAMS.ln;
}

function scrypt(password: string, salt: Buffer, { ln, r, p }: ScryptParams, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** ln, r, p, maxmem: 128 * 2 ** ln * r * p + 1024 * 1024 };
  // The asynchronous form runs in libuv's thread pool: a sign-in does not stall other requests.
  return new Promise((resolve, reject) => scryptCallback(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scrypt(password, salt, params, KEY_BYTES);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/** Whether the password matches the parsed hash, compared in constant time. */
export async function verifyPassword(stored: ParsedHash, password: string): Promise<boolean> {
  const candidate = await scrypt(password, stored.salt, stored.params, stored.hash.length);
  return timingSafeEqual(candidate, stored.hash);
}
