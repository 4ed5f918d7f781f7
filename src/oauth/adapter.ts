// Where oidc-provider keeps sessions, interactions, grants, codes and tokens:
// the table oauth_payload of the project's own database (PGlite or the
// PostgreSQL primary), one row per model and id, so that every instance behind
// a load balancer sees a sign-in begun on another. Nothing is rewritten whole:
// each change is one statement on one row (or a grant's rows).
//
// Anyone may start an authorization request, so what that creates
// (interactions, pushed requests) is capped per address and overall: beyond a
// cap the least recently written ones of that address (or overall) are
// deleted in the same call (their sign-in has to start again). Expired rows
// are never returned and are purged on a timer.
import { readFileSync, existsSync, renameSync } from 'node:fs';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Prisma } from '../db/database.js';
import { isOnDisk } from './keys.js';
import { join } from 'node:path';

/** What an anonymous authorization request creates: counted per address and overall. */
export const PENDING_MODELS = ['Interaction', 'PushedAuthorizationRequest'] as const;
const pendingModels = new Set<string>(PENDING_MODELS);

// The grantable models: revoking a grant removes their tokens (RFC 7009 §2.1).
const GRANTABLE = ['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'];

/** The advisory lock (a bigint key of this table's own) that trims and purges of oauth_payload take. */
const TRIM_LOCK = 0x6f61757468n; // 'oauth'

export interface StoreLimits {
  /** Live pending requests (interactions, pushed requests) from one address. */
  maxPendingPerAddress: number;
  /** Live pending requests overall. */
  maxPending: number;
}

export interface DatabaseStoreOptions {
  limits: StoreLimits;
  /** The address of the request being served, if any (oidc-provider's `Provider.ctx?.ip`). */
  currentAddress?: () => string | undefined;
  /** How often expired rows are deleted; default one minute. */
  purgeIntervalMs?: number;
}

interface Row {
  payload: unknown;
  consumedAt: Date | null;
}

export class DatabaseStore {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly prisma: Prisma,
    private readonly options: DatabaseStoreOptions,
  ) {
    this.timer = setInterval(() => void this.purgeExpired().catch(() => undefined), options.purgeIntervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Deletes expired rows; returns how many. */
  async purgeExpired(): Promise<number> {
    // Under the trim lock: two statements deleting many of the same rows in different orders could deadlock.
    return this.underTrimLock(this.prisma.$executeRaw`DELETE FROM oauth_payload WHERE expires_at <= now()`);
  }

  async upsert(model: string, id: string, payload: AdapterPayload, expiresInS: number | undefined): Promise<void> {
    const expiresAt = expiresInS ? new Date(Date.now() + expiresInS * 1000) : null;
    const pending = pendingModels.has(model);
    const address = pending ? (this.options.currentAddress?.() ?? 'unknown').slice(0, 100) : null;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    // xmax = 0: the row was inserted, not updated (PostgreSQL's system column). An update keeps the creating address.
    const [result] = await this.prisma.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO oauth_payload (model, id, payload, grant_id, user_code, uid, address, expires_at, updated_at)
      VALUES (${model}, ${id}, ${JSON.stringify(payload)}::jsonb, ${text(payload.grantId)}, ${text(payload.userCode)}, ${text(payload.uid)}, ${address}, ${expiresAt}, now())
      ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
        uid = excluded.uid, expires_at = excluded.expires_at, updated_at = now()
      RETURNING (xmax = 0) AS inserted`;
    if (pending && result?.inserted) await this.enforceCaps(address!);
  }

  /** Keeps the newest pending requests of this address, and overall, within the caps. */
  private async enforceCaps(address: string): Promise<void> {
    const { maxPendingPerAddress, maxPending } = this.options.limits;
    // One trim at a time, across every instance on this database (a transaction-scoped advisory lock):
    // two trims at once each deleting rows in their own order could deadlock (an anonymous /oauth/auth
    // answered 500 under a flood), and skipping the rows another trim holds (SKIP LOCKED) left the
    // overall count above its cap, since FOR UPDATE locks the rows OFFSET skips too. A trim is one
    // indexed statement, so the lock is held for a moment.
    // This address's beyond its cap, and everyone's beyond the overall cap.
    await this.underTrimLock(
      this.prisma.$executeRaw`
        DELETE FROM oauth_payload WHERE (model, id) IN (
            SELECT model, id FROM oauth_payload WHERE address = ${address} AND model IN ('Interaction', 'PushedAuthorizationRequest')
            ORDER BY updated_at DESC OFFSET ${maxPendingPerAddress})
          OR (model, id) IN (
            SELECT model, id FROM oauth_payload WHERE model IN ('Interaction', 'PushedAuthorizationRequest')
            ORDER BY updated_at DESC OFFSET ${maxPending})`,
    );
  }

  /** Runs `statement` in a transaction holding TRIM_LOCK; its count of rows. */
  private async underTrimLock(statement: ReturnType<Prisma['$executeRaw']>): Promise<number> {
    const [, count] = await this.prisma.$transaction([this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${TRIM_LOCK})`, statement]);
    return count;
  }

  private live(row: Row | null): AdapterPayload | undefined {
    if (!row) return undefined;
    const payload = row.payload as AdapterPayload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  }

  private notExpired() {
    return { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] };
  }

  async find(model: string, where: { id: string } | { uid: string } | { userCode: string }): Promise<AdapterPayload | undefined> {
    const row = await this.prisma.oauthPayload.findFirst({ where: { model, ...where, ...this.notExpired() }, select: { payload: true, consumedAt: true } });
    return this.live(row);
  }

  async consume(model: string, id: string): Promise<void> {
    await this.prisma.oauthPayload.updateMany({ where: { model, id }, data: { consumedAt: new Date() } });
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.prisma.oauthPayload.deleteMany({ where: { model, id } });
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.prisma.oauthPayload.deleteMany({ where: { grantId, model: { in: GRANTABLE } } });
  }

  /** Rows per model (tests, and a look at what anonymous requests left behind). */
  async counts(): Promise<Record<string, number>> {
    const groups = await this.prisma.oauthPayload.groupBy({ by: ['model'], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.model, g._count._all]));
  }

  /**
   * One-time import of an earlier version's DATA_DIR/oauth/store.json (the
   * durable entries: signed-in sessions, grants, refresh and opaque access
   * tokens); the file is renamed `store.json.imported`.
   */
  async importFile(dataDir: string): Promise<number> {
    if (!isOnDisk(dataDir)) return 0;
    const file = join(dataDir, 'oauth', 'store.json');
    if (!existsSync(file)) return 0;
    let imported = 0;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { payload: AdapterPayload; expiresAt?: number }>;
      for (const [key, entry] of Object.entries(stored)) {
        const colon = key.indexOf(':');
        const [model, id] = [key.slice(0, colon), key.slice(colon + 1)];
        if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) continue;
        if (pendingModels.has(model)) continue;
        await this.upsert(model, id, entry.payload, entry.expiresAt ? Math.ceil((entry.expiresAt - Date.now()) / 1000) : undefined);
        imported++;
      }
    } catch {
      // A damaged file costs sign-ins and refresh tokens, not the server.
    }
    renameSync(file, `${file}.imported`);
    return imported;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** An oidc-provider adapter factory over this store. */
  adapterFactory(): (model: string) => Adapter {
    return (model) => new DatabaseAdapter(this, model);
  }
}

class DatabaseAdapter implements Adapter {
  constructor(
    private readonly store: DatabaseStore,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    await this.store.upsert(this.model, id, payload, expiresIn);
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.find(this.model, { id });
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.store.find(this.model, { uid });
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.store.find(this.model, { userCode });
  }

  async consume(id: string): Promise<void> {
    await this.store.consume(this.model, id);
  }

  async destroy(id: string): Promise<void> {
    await this.store.destroy(this.model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.store.revokeByGrantId(grantId);
  }
}
