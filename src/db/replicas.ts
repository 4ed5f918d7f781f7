// Read replicas (DATABASE_READ_URLS): one Prisma client per streaming replica
// over @prisma/adapter-pg, chosen in turn for reads; writes, and the reads of a
// caller who wrote recently (./recent-writers.ts), go to the primary.
//
// Prisma's read-replicas extension is not used: it routes by operation, not by
// caller, so it cannot send one caller's reads to the primary after its write,
// and it has no health checks. Instead:
// - each replica is checked every DATABASE_REPLICA_CHECK_MS (SELECT 1); one
//   that fails (or whose statement fails for want of a connection) leaves the
//   rotation until a check succeeds again; with none left, reads go to the
//   primary;
// - a read that fails on a replica for want of a connection is run again on
//   the primary, in the same request, so a replica stopping mid-request costs
//   the caller nothing but time.
import { PrismaPg } from '@prisma/adapter-pg';
import { statementName } from './statement-names.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Prisma } from './database.js';

export interface ReplicaStatus {
  name: string;
  status: 'up' | 'down';
}

interface Replica {
  name: string;
  prisma: Prisma;
  /** The client the services get: this replica, with a retry on the primary. */
  reader: Prisma;
  healthy: boolean;
}

export interface ReplicaRouterOptions {
  primary: Prisma;
  urls: readonly string[];
  poolSize: number;
  statementTimeoutMs?: number;
  checkMs: number;
  /** Told when a replica leaves or rejoins the rotation. */
  onChange?(name: string, status: 'up' | 'down', error?: unknown): void;
}

/** host:port/database of a URL, without its credentials (for /readyz and logs). */
export function databaseName(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * A statement that failed because the server could not be reached or went
 * away (not because of the statement): connection refused or reset, the
 * server shutting down (SQLSTATE 57P01-57P03), class 08 (connection
 * exception), or the pool unable to connect.
 */
export function isConnectionFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const { code, message, kind } = e as { code?: unknown; message?: unknown; kind?: unknown };
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|57P0[123]|08\d{3})$/.test(code)) return true;
    if (typeof kind === 'string' && /^(DatabaseNotReachable|ConnectionClosed|SocketTimeout|TooManyConnections)$/.test(kind)) return true;
    if (typeof message === 'string' && /ECONNREFUSED|ECONNRESET|Connection terminated|connection.*(closed|refused|terminated)|terminating connection|the database system is (shutting down|starting up)|timeout exceeded when trying to connect|Can't reach database server/i.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const RAW = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe']);

/**
 * `replica`, with every read that fails for want of a connection run again on
 * `primary` (after `failed` is told). Raw queries and model operations are
 * covered; an interactive transaction is retried whole. Values are plain
 * promises, so a replica's promises cannot go into an array `$transaction`
 * (the services do not do that on their reader).
 */
function withFailover(replica: Prisma, primary: Prisma, failed: (error: unknown) => void): Prisma {
  const retry = <T>(run: () => PromiseLike<T>, again: () => PromiseLike<T>): Promise<T> =>
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        if (!isConnectionFailure(error)) throw error;
        failed(error);
        return again();
      });
  const delegates = new Map<string, unknown>();
  return new Proxy(replica, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return value;
      if (RAW.has(key) || key === '$transaction') {
        const own = value as (...args: unknown[]) => PromiseLike<unknown>;
        const other = (primary as unknown as Record<string, (...args: unknown[]) => PromiseLike<unknown>>)[key]!;
        return (...args: unknown[]) =>
          key === '$transaction' && Array.isArray(args[0]) ? own.apply(target, args) : retry(() => own.apply(target, args), () => other.apply(primary, args));
      }
      // A model delegate (reader.course.findMany(…)): each of its operations, with the retry.
      if (key.startsWith('$') || !value || typeof value !== 'object') return value;
      let delegate = delegates.get(key);
      if (!delegate) {
        const primaryDelegate = (primary as unknown as Record<string, Record<string, (...args: unknown[]) => PromiseLike<unknown>>>)[key]!;
        delegate = new Proxy(value, {
          get(d, op) {
            const fn: unknown = Reflect.get(d, op);
            if (typeof op !== 'string' || typeof fn !== 'function') return fn;
            return (...args: unknown[]) => retry(() => (fn as (...a: unknown[]) => PromiseLike<unknown>).apply(d, args), () => primaryDelegate[op]!.apply(primaryDelegate, args));
          },
        });
        delegates.set(key, delegate);
      }
      return delegate;
    },
  });
}

export class ReplicaRouter {
  private readonly replicas: Replica[];
  private next = 0;
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(private readonly options: ReplicaRouterOptions) {
    const statementTimeout = options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {};
    this.replicas = options.urls.map((url) => {
      // A connection attempt to a stopped replica gives up quickly: the read then goes to the primary.
      const adapter = new PrismaPg({ connectionString: url, max: options.poolSize, connectionTimeoutMillis: 2_000, ...statementTimeout }, { statementNameGenerator: statementName });
      const prisma = new PrismaClient({ adapter }) as unknown as Prisma;
      const replica: Replica = { name: databaseName(url), prisma, reader: prisma, healthy: true };
      replica.reader = withFailover(prisma, options.primary, (error) => this.down(replica, error));
      return replica;
    });
    this.timer = setInterval(() => void this.check(), options.checkMs);
    this.timer.unref();
  }

  /** A replica's client (with the retry on the primary), in turn; the primary when none is in rotation. */
  pick(): Prisma {
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(this.next + i) % n]!;
      if (replica.healthy) {
        this.next = (this.next + i + 1) % n;
        return replica.reader;
      }
    }
    return this.options.primary;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((r) => ({ name: r.name, status: r.healthy ? 'up' : 'down' }));
  }

  private down(replica: Replica, error: unknown): void {
    if (!replica.healthy) return;
    replica.healthy = false;
    this.options.onChange?.(replica.name, 'down', error);
  }

  /** Pings every replica now: in rotation those that answer, out those that do not. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(
        this.replicas.map(async (replica) => {
          try {
            await replica.prisma.$queryRawUnsafe('SELECT 1');
            if (!replica.healthy) {
              replica.healthy = true;
              this.options.onChange?.(replica.name, 'up');
            }
          } catch (error) {
            this.down(replica, error);
          }
        }),
      );
    } finally {
      this.checking = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.replicas.map((r) => r.prisma.$disconnect().catch(() => undefined)));
  }
}

/** The database with its read replicas: `replicas` routes reads, close() closes them too. */
export function withReplicas<D extends { prisma: Prisma; close(): Promise<void> }>(db: D, options: Omit<ReplicaRouterOptions, 'primary'>): D & { replicas: ReplicaRouter } {
  const router = new ReplicaRouter({ ...options, primary: db.prisma });
  return {
    ...db,
    replicas: router,
    async close() {
      await router.close();
      await db.close();
    },
  };
}
