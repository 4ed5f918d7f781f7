// Read-your-writes across instances: after a caller's write is stored, its
// reads go to the primary for DATABASE_READ_YOUR_WRITES_MS, whichever
// instance behind the load balancer serves them. The mark is kept per caller
// (issuer, subject and client of its token; the address for an anonymous
// caller) in Redis when REDIS_URL is set (every instance sees it), else in
// this process. Without read replicas nothing here runs: every read is on the
// one database.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BuildableRequest, ContextBuilder } from '../auth/context.js';
import type { Principal } from '../auth/types.js';
import type { Logger } from '../http/logger.js';
import type { Prisma } from './database.js';
import type { ReplicaRouter } from './replicas.js';

export interface RecentWriters {
  /** Whether the caller wrote within the window (true when that cannot be known: the safe answer). */
  wroteRecently(caller: string): Promise<boolean>;
  /** Records a write of the caller now. */
  wrote(caller: string): void;
  close(): Promise<void>;
}

/** A short, fixed-length key for a caller (nothing of its token in Redis). */
export function callerKey(principal: Principal | null | undefined, address: string | undefined): string {
  const who = principal ? `${principal.issuer}\n${principal.subject}\n${principal.clientId ?? ''}` : `address\n${address ?? ''}`;
  return createHash('sha256').update(who).digest('base64url').slice(0, 22);
}

export function memoryRecentWriters(windowMs: number): RecentWriters {
  const until = new Map<string, number>();
  let lastSweep = Date.now();
  return {
    wroteRecently(caller) {
      const t = until.get(caller);
      return Promise.resolve(t !== undefined && t > Date.now());
    },
    wrote(caller) {
      const now = Date.now();
      until.set(caller, now + windowMs);
      if (now - lastSweep > windowMs) {
        lastSweep = now;
        for (const [k, t] of until) if (t <= now) until.delete(k);
      }
    },
    close: () => Promise.resolve(),
  };
}

export async function redisRecentWriters(url: string, keyPrefix: string, windowMs: number, logger?: Logger): Promise<RecentWriters> {
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, connectTimeout: 2_000, maxRetriesPerRequest: 1 });
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger?.warn({ err: { message: error.message } }, 'read-your-writes marks unreachable in Redis; reads go to the primary until it is back');
  });
  client.on('ready', () => (reported = false));
  await client.connect();
  // This process's own marks too: its next request needs no round trip to be sure.
  const local = memoryRecentWriters(windowMs);
  const key = (caller: string) => `${keyPrefix}wrote:${caller}`;
  return {
    async wroteRecently(caller) {
      if (await local.wroteRecently(caller)) return true;
      try {
        return (await client.exists(key(caller))) === 1;
      } catch {
        return true;
      }
    },
    wrote(caller) {
      local.wrote(caller);
      // Sent before the response that acknowledges the write, so another instance's check comes after it.
      client.set(key(caller), '1', 'PX', windowMs).catch(() => undefined);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * Gives every request's context its `reader` (a replica in turn, or the
 * primary after the caller's recent write) and `wrote()` (the services call
 * it after a stored write).
 */
export function readRoutingContextBuilder(inner: ContextBuilder, router: ReplicaRouter, primary: Prisma, recent: RecentWriters): ContextBuilder {
  return {
    ...inner,
    warm: () => inner.warm(),
    close: () => inner.close?.(),
    async build(req: BuildableRequest) {
      const ctx = await inner.build(req);
      const caller = callerKey((ctx as { principal?: Principal | null }).principal, req.ip);
      let reader = (await recent.wroteRecently(caller)) ? primary : router.pick();
      // After this request's own write, its remaining reads (the answer with the stored record) are on the primary too.
      Object.defineProperty(ctx, 'reader', { get: () => reader, enumerable: true, configurable: true });
      return Object.assign(ctx, {
        wrote: () => {
          reader = primary;
          recent.wrote(caller);
        },
      });
    },
  };
}

/** In Redis when REDIS_URL is set (shared by every instance), else in this process. */
export function openRecentWriters(config: { redisUrl?: string; redisKeyPrefix: string; database: { readYourWritesMs: number } }, logger?: Logger): Promise<RecentWriters> {
  const windowMs = config.database.readYourWritesMs;
  return config.redisUrl ? redisRecentWriters(config.redisUrl, config.redisKeyPrefix, windowMs, logger) : Promise.resolve(memoryRecentWriters(windowMs));
}
