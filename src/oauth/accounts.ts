// The people who can sign in to the built-in authorization server: the
// original demo's three users by default, or the users of DEV_USERS_FILE,
// whose passwords are scrypt hashes (src/oauth/passwords.ts; production mode
// requires them) or, outside production, plain like the demo's.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isPasswordHash, parsePasswordHash, verifyPassword, type ParsedHash } from './passwords.js';

export interface User {
  username: string;
  /** As written in the users file: a hash, or a plain password (the demo's). */
  password: string;
  /** The parsed hash, when `password` is one. */
  hash?: ParsedHash;
  /** Go into the group claim of access tokens that carry the group scope. */
  groups: string[];
  name?: string;
  email?: string;
}

/** Documented in README.md ("Get a token"); for local use only (production mode refuses them). */
export const DEFAULT_USERS: readonly User[] = [
  { username: 'user1', password: 'user1pass', groups: ['team-a', 'team-c'], name: 'User One', email: 'user1@example.edu' },
  { username: 'user2', password: 'user2pass', groups: ['team-a', 'team-b'], name: 'User Two', email: 'user2@example.edu' },
  { username: 'user3', password: 'user3pass', groups: [], name: 'User Three', email: 'user3@example.edu' },
  // The development policy's row rules let the registrar group read and write every grade (docs/policy.md).
  { username: 'registrar', password: 'registrarpass', groups: ['registrar'], name: 'Registrar', email: 'registrar@example.edu' },
];

const usersFileSchema = z
  .array(
    z.object({
      username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits and . _ @ - only'),
      password: z.string().min(1),
      groups: z.array(z.string().regex(/^\S+$/, 'a group name has no spaces')).default([]),
      name: z.string().optional(),
      email: z.email().optional(),
    }),
  )
  .min(1)
  .refine((users) => new Set(users.map((u) => u.username)).size === users.length, 'usernames must be unique');

export class UsersFileError extends Error {
  readonly code = 'ERR_OAUTH_USERS_FILE';
}

export function loadUsers(file: string | undefined): User[] {
  if (!file) return DEFAULT_USERS.map((u) => ({ ...u, groups: [...u.groups] }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsersFileError(`DEV_USERS_FILE ${file}: ${(error as Error).message}`);
  }
  const result = usersFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsersFileError(`DEV_USERS_FILE ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return result.data.map((user) => {
    if (!isPasswordHash(user.password)) return user;
    try {
      return { ...user, hash: parsePasswordHash(user.password) };
    } catch (error) {
      throw new UsersFileError(`DEV_USERS_FILE ${file}: user ${user.username}: ${(error as Error).message}`);
    }
  });
}

// Equal-length digests, so the comparison takes the same time whatever was typed.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class UserDirectory {
  private readonly byName: Map<string, User>;
  /** Checked for unknown user names when hashes are in use, so that they take as long as known ones. */
  private readonly decoy?: ParsedHash;
  constructor(users: readonly User[]) {
    this.byName = new Map(users.map((u) => [u.username, u]));
    const hashed = users.find((u) => u.hash)?.hash;
    if (hashed) this.decoy = { params: hashed.params, salt: randomBytes(hashed.salt.length), hash: randomBytes(hashed.hash.length) };
  }

  find(username: string): User | undefined {
    return this.byName.get(username);
  }

  /** The user when the password matches, else undefined (without saying which part was wrong). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const user = this.byName.get(username);
    if (user?.hash) return (await verifyPassword(user.hash, password)) ? user : undefined;
    if (!user && this.decoy) {
      await verifyPassword(this.decoy, password);
      return undefined;
    }
    const ok = timingSafeEqual(digest(user?.password ?? '\u0000no user'), digest(password));
    return user && ok ? user : undefined;
  }
}
