// Where throttling counters live: in this process's memory by default, or in
// Redis when REDIS_URL is set, so that every instance behind a load balancer
// counts together (rate-limiter-flexible, whose limiters are atomic in both).
// One store per user of it (the built-in authorization server, the API-wide
// budget), one Redis connection per store.
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import type { Logger } from '../http/logger.js';

export type { RateLimiterAbstract } from 'rate-limiter-flexible';
export { RateLimiterRes } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Unique per limiter, e.g. "oauth:client-fails"; the store adds REDIS_KEY_PREFIX in front. */
  keyPrefix: string;
  /** Points a key may consume within `duration`. */
  points: number;
  /** Seconds the points are counted for, from a key's first one. */
  duration: number;
  /** Seconds a key stays refused once it has consumed more than `points` (0: until its window ends). */
  blockDuration?: number;
}

export interface LimiterStore {
  readonly kind: 'memory' | 'redis';
  /**
   * A limiter on this store. On Redis it falls back to this process's memory
   * while Redis cannot be reached (rate-limiter-flexible's insurance limiter),
   * so an outage weakens throttling to per-instance instead of failing requests.
   */
  createLimiter(options: LimiterOptions): RateLimiterAbstract;
  /** Closes the Redis connection, if any. */
  close(): Promise<void>;
}

export class LimiterStoreError extends Error {
  readonly code = 'ERR_THROTTLE_STORE';
}

/** How long to wait for Redis at start-up before refusing to start. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The store the configuration asks for. With REDIS_URL it connects first and
 * throws LimiterStoreError when Redis does not answer: a deployment that
 * expects shared counters should not start with per-process ones.
 */
export async function openLimiterStore(config: Pick<Config, 'redisUrl' | 'redisKeyPrefix'>, logger?: Logger): Promise<LimiterStore> {
  if (!config.redisUrl) return memoryStore();
  return redisStore(config.redisUrl, config.redisKeyPrefix, logger);
}

function memoryStore(): LimiterStore {
  return {
    kind: 'memory',
    createLimiter: (options) => new RateLimiterMemory(limiterOptions(options)),
    async close() {},
  };
}

async function redisStore(url: string, keyPrefix: string, logger?: Logger): Promise<LimiterStore> {
  const where = redisAddress(url);
  const client = new Redis(url, {
    lazyConnect: true,
    // Fail a command at once while disconnected, so the insurance limiter answers instead of a request waiting.
    enableOfflineQueue: false,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  });
  let reported = false;
  // ioredis reconnects by itself; say so once per outage (without the URL: it may hold a password).
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger?.warn({ redis: where, err: { message: error.message } }, 'throttling store unreachable; counting in this process until it is back');
  });
  client.on('ready', () => {
    if (reported) logger?.info({ redis: where }, 'throttling store reachable again');
    reported = false;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new LimiterStoreError(`REDIS_URL (${where}): cannot connect: ${(error as Error).message}`);
  }
  return {
    kind: 'redis',
    createLimiter(options) {
      const prefixed = { ...options, keyPrefix: `${keyPrefix}${options.keyPrefix}` };
      return new RateLimiterRedis({
        ...limiterOptions(prefixed),
        storeClient: client,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(limiterOptions(prefixed)),
      });
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

function limiterOptions({ keyPrefix, points, duration, blockDuration = 0 }: LimiterOptions) {
  return { keyPrefix, points, duration, blockDuration };
}

/** host:port of a Redis URL, for messages: never its credentials. */
function redisAddress(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? `${parsed.hostname}:${parsed.port || '6379'}` : 'the configured address';
}

/** A limiter's refusal (as opposed to a store error, which is an Error). */
export function isRateLimited(value: unknown): value is RateLimiterRes {
  return value instanceof RateLimiterRes;
}

/** Whole seconds until a refused key may try again, at least 1: the Retry-After value (RFC 9110 §10.2.3). */
export function retryAfterSeconds(res: Pick<RateLimiterRes, 'msBeforeNext'>): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
