// Where oidc-provider keeps sessions, interactions, grants, codes and refresh
// tokens: a small file in the data folder, so that a restart keeps people
// signed in and refresh tokens valid. This server is for local use, demos and
// tests (one process); the API itself keeps no state, it only verifies JWTs.
//
// Writes are synchronous on purpose: the file is a few kilobytes, and a
// response never goes out before what it refers to is on disk, also when the
// process is stopped right after.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { isOnDisk } from './keys.js';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; absent: until destroyed. */
  expiresAt?: number;
}

export const storeFilePath = (dataDir: string): string => join(dataDir, 'oauth', 'store.json');

export class FileStore {
  private readonly entries = new Map<string, Entry>();

  /** file undefined: memory only (a `memory://` data folder). */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
        for (const [key, entry] of Object.entries(stored)) if (!this.expired(entry)) this.entries.set(key, entry);
      } catch {
        // A damaged store costs sign-ins and refresh tokens, not the server: start empty.
      }
    }
  }

  static forDataDir(dataDir: string): FileStore {
    return new FileStore(isOnDisk(dataDir) ? storeFilePath(dataDir) : undefined);
  }

  private expired(entry: Entry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= Date.now();
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.expired(entry)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AdapterPayload, expiresInS?: number): void {
    this.entries.set(key, { payload, expiresAt: expiresInS ? Date.now() + expiresInS * 1000 : undefined });
    this.flush();
  }

  delete(keys: string[]): void {
    let changed = false;
    for (const key of keys) changed = this.entries.delete(key) || changed;
    if (changed) this.flush();
  }

  /** Keys whose payload matches, among the live entries of one model. */
  keysWhere(model: string, match: (payload: AdapterPayload) => boolean): string[] {
    const prefix = `${model}:`;
    const found: string[] = [];
    for (const [key, entry] of this.entries) {
      if (key.startsWith(prefix) && !this.expired(entry) && match(entry.payload)) found.push(key);
    }
    return found;
  }

  flush(): void {
    if (!this.file) return;
    const live: Record<string, Entry> = {};
    for (const [key, entry] of this.entries) {
      if (this.expired(entry)) this.entries.delete(key);
      else live[key] = entry;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(live), { mode: 0o600 });
    renameSync(temp, this.file);
  }

  /** An oidc-provider adapter factory over this store. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new StoreAdapter(this, model);
  }
}

// The grantable models: revoking a grant removes their tokens (RFC 7009 §2.1).
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

class StoreAdapter implements Adapter {
  constructor(
    private readonly store: FileStore,
    private readonly model: string,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.store.set(this.key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [key] = this.store.keysWhere(this.model, (p) => p.uid === uid);
    return key ? this.store.get(key) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const [key] = this.store.keysWhere(this.model, (p) => p.userCode === userCode);
    return key ? this.store.get(key) : undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (!payload) return;
    payload.consumed = Math.floor(Date.now() / 1000);
    this.store.flush();
  }

  async destroy(id: string): Promise<void> {
    this.store.delete([this.key(id)]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const keys: string[] = [];
    for (const model of GRANTABLE) keys.push(...this.store.keysWhere(model, (p) => p.grantId === grantId));
    this.store.delete(keys);
  }
}
