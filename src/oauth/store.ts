// Where oidc-provider keeps sessions, interactions, grants, codes and refresh
// tokens. This server is for local use, demos and tests (one process); the API
// itself keeps no state, it only verifies JWTs.
//
// Two kinds of entries:
// - durable ones (a signed-in Session, Grant, RefreshToken, opaque access
//   tokens) are also written to a small file in the data folder, so that a
//   restart keeps people signed in and refresh tokens valid. Only a signed-in
//   person or an authenticated client creates them.
// - everything else (Interaction, PushedAuthorizationRequest,
//   AuthorizationCode, …) lives minutes and stays in memory: anyone may start
//   an authorization request, so what those create must neither reach the
//   disk nor grow without bound. Pending requests (interactions and pushed
//   requests) are capped per address and overall; beyond a cap the least
//   recently used one is dropped (its sign-in has to start again).
//
// The file is written asynchronously (the event loop never waits for it), at
// most one write in flight; changes made meanwhile go into the next write
// together (group commit). A durable change resolves once a write holding it
// is on disk, so a response still never goes out before what it refers to,
// also when the process is stopped right after.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { isOnDisk } from './keys.js';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; absent: until destroyed. */
  expiresAt?: number;
}

export const storeFilePath = (dataDir: string): string => join(dataDir, 'oauth', 'store.json');

/** What must survive a restart. A Session only once someone has signed in to it. */
const DURABLE_MODELS = new Set(['Session', 'Grant', 'RefreshToken', 'AccessToken', 'ClientCredentials']);
/** What an anonymous authorization request creates: counted per address and overall. */
const PENDING_MODELS = new Set(['Interaction', 'PushedAuthorizationRequest']);

function isDurable(model: string, payload: AdapterPayload): boolean {
  return DURABLE_MODELS.has(model) && (model !== 'Session' || typeof payload.accountId === 'string');
}

export interface StoreLimits {
  /** Live pending requests (interactions, pushed requests) from one address. */
  maxPendingPerAddress: number;
  /** Live pending requests overall. */
  maxPending: number;
}

export interface StoreOptions {
  /** undefined: memory only (a `memory://` data folder). */
  file?: string;
  limits?: StoreLimits;
  /** The address of the request being served, if any (oidc-provider's `Provider.ctx?.ip`). */
  currentAddress?: () => string | undefined;
}

const SWEEP_INTERVAL_MS = 60_000;

const UNLIMITED: StoreLimits = { maxPendingPerAddress: Number.POSITIVE_INFINITY, maxPending: Number.POSITIVE_INFINITY };

export class FileStore {
  /** Per model, then per id: lookups never scan other models. */
  private readonly models = new Map<string, Map<string, Entry>>();
  /** Pending entries, least recently used first, with the address that created each. */
  private readonly pending = new Map<string, string>();
  private readonly pendingByAddress = new Map<string, Set<string>>();
  private readonly file?: string;
  private readonly limits: StoreLimits;
  /** The write that will hold the changes made since the last one started. */
  private nextWrite?: Deferred;
  private writing?: Promise<void>;
  private lastSweep = Date.now();

  constructor(private readonly options: StoreOptions = {}) {
    this.file = options.file;
    this.limits = options.limits ?? UNLIMITED;
    if (this.file && existsSync(this.file)) {
      try {
        const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Entry>;
        for (const [key, entry] of Object.entries(stored)) {
          const [model, id] = splitKey(key);
          // Files of earlier versions also hold interactions and codes: not kept.
          if (!this.expired(entry) && isDurable(model, entry.payload)) this.table(model).set(id, entry);
        }
      } catch {
        // A damaged store costs sign-ins and refresh tokens, not the server: start empty.
      }
    }
  }

  static forDataDir(dataDir: string, options: Omit<StoreOptions, 'file'> = {}): FileStore {
    return new FileStore({ ...options, file: isOnDisk(dataDir) ? storeFilePath(dataDir) : undefined });
  }

  private table(model: string): Map<string, Entry> {
    let table = this.models.get(model);
    if (!table) this.models.set(model, (table = new Map<string, Entry>()));
    return table;
  }

  private expired(entry: Entry): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= Date.now();
  }

  get(model: string, id: string): AdapterPayload | undefined {
    const entry = this.models.get(model)?.get(id);
    if (!entry) return undefined;
    if (this.expired(entry)) {
      this.remove(model, id);
      return undefined;
    }
    const key = `${model}:${id}`;
    const address = this.pending.get(key);
    if (address !== undefined) {
      // Used again: the most recently used now, so a cap drops others first.
      this.pending.delete(key);
      this.pending.set(key, address);
    }
    return entry.payload;
  }

  /** Resolves once the change is on disk (at once when it is not durable). */
  set(model: string, id: string, payload: AdapterPayload, expiresInS?: number): Promise<void> {
    this.sweepNowAndThen();
    const table = this.table(model);
    const before = table.get(id);
    if (!before && PENDING_MODELS.has(model)) this.admitPending(`${model}:${id}`);
    table.set(id, { payload, expiresAt: expiresInS ? Date.now() + expiresInS * 1000 : undefined });
    return isDurable(model, payload) || (before && isDurable(model, before.payload)) ? this.changed() : Promise.resolve();
  }

  delete(model: string, ids: Iterable<string>): Promise<void> {
    let durable = false;
    for (const id of ids) durable = this.remove(model, id) || durable;
    return durable ? this.changed() : Promise.resolve();
  }

  /** A payload was changed in place (consumed): written if it is durable. */
  touched(model: string, id: string): Promise<void> {
    const entry = this.models.get(model)?.get(id);
    return entry && isDurable(model, entry.payload) ? this.changed() : Promise.resolve();
  }

  /** Ids of the live entries of one model whose payload matches. */
  idsWhere(model: string, match: (payload: AdapterPayload) => boolean): string[] {
    const found: string[] = [];
    for (const [id, entry] of this.models.get(model) ?? []) {
      if (!this.expired(entry) && match(entry.payload)) found.push(id);
    }
    return found;
  }

  /** Whether what was removed was durable (the file must follow). */
  private remove(model: string, id: string): boolean {
    const key = `${model}:${id}`;
    const address = this.pending.get(key);
    if (address !== undefined) {
      this.pending.delete(key);
      const keys = this.pendingByAddress.get(address);
      keys?.delete(key);
      if (keys?.size === 0) this.pendingByAddress.delete(address);
    }
    const table = this.models.get(model);
    const entry = table?.get(id);
    if (!entry) return false;
    table!.delete(id);
    return isDurable(model, entry.payload);
  }

  /** Drops expired entries that nobody asked for again, at most once a minute (a pass over all entries). */
  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    for (const [model, table] of this.models) {
      for (const [id, entry] of table) if (this.expired(entry)) this.remove(model, id);
    }
  }

  private removeKey(key: string): void {
    const [model, id] = splitKey(key);
    this.remove(model, id);
  }

  /** Makes room for one more pending request from the current address, then records it. */
  private admitPending(key: string): void {
    const address = this.options.currentAddress?.() ?? 'unknown';
    const mine = this.pendingByAddress.get(address);
    if (mine) {
      // Expired ones first, then the oldest of this address.
      for (const k of [...mine]) if (mine.size >= this.limits.maxPendingPerAddress && this.isExpiredKey(k)) this.removeKey(k);
      while (mine.size >= this.limits.maxPendingPerAddress && mine.size > 0) this.removeKey(mine.values().next().value!);
    }
    while (this.pending.size >= this.limits.maxPending && this.pending.size > 0) this.removeKey(this.pending.keys().next().value!);
    this.pending.set(key, address);
    let keys = this.pendingByAddress.get(address);
    if (!keys) this.pendingByAddress.set(address, (keys = new Set()));
    keys.add(key);
  }

  private isExpiredKey(key: string): boolean {
    const [model, id] = splitKey(key);
    const entry = this.models.get(model)?.get(id);
    return !entry || this.expired(entry);
  }

  private changed(): Promise<void> {
    if (!this.file) return Promise.resolve();
    this.nextWrite ??= deferred();
    const written = this.nextWrite.promise;
    if (!this.writing) this.startWrite();
    return written;
  }

  private startWrite(): void {
    const batch = this.nextWrite;
    if (!batch) return;
    this.nextWrite = undefined;
    this.writing = this.write()
      .then(batch.resolve, batch.reject)
      .finally(() => {
        this.writing = undefined;
        this.startWrite(); // the changes made during this write
      });
  }

  private async write(): Promise<void> {
    const file = this.file!;
    const live: Record<string, Entry> = {};
    for (const [model, table] of this.models) {
      for (const [id, entry] of table) {
        if (!this.expired(entry) && isDurable(model, entry.payload)) live[`${model}:${id}`] = entry;
      }
    }
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(live), { mode: 0o600 });
    await rename(temp, file);
  }

  /** Resolves once every change made so far is on disk; call before the process stops. */
  async close(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** An oidc-provider adapter factory over this store. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new StoreAdapter(this, model);
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Promise.withResolvers needs Node 22.
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}

// The grantable models: revoking a grant removes their tokens (RFC 7009 §2.1).
const GRANTABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'];

// oidc-provider's Adapter interface is all Promises; lookups in memory need no await.
/* eslint-disable @typescript-eslint/require-await */
class StoreAdapter implements Adapter {
  constructor(
    private readonly store: FileStore,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.store.set(this.model, id, payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.model, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [id] = this.store.idsWhere(this.model, (p) => p.uid === uid);
    return id ? this.store.get(this.model, id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const [id] = this.store.idsWhere(this.model, (p) => p.userCode === userCode);
    return id ? this.store.get(this.model, id) : undefined;
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.model, id);
    if (!payload) return;
    payload.consumed = Math.floor(Date.now() / 1000);
    await this.store.touched(this.model, id);
  }

  async destroy(id: string): Promise<void> {
    await this.store.delete(this.model, [id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await Promise.all(GRANTABLE.map((model) => this.store.delete(model, this.store.idsWhere(model, (p) => p.grantId === grantId))));
  }
}
/* eslint-enable @typescript-eslint/require-await */
