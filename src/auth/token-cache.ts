// A bounded, time-limited cache of token check outcomes, keyed by a SHA-256 of
// the token so that the token itself is never kept in memory (heap dumps) or
// printed by anything that inspects the cache.
import { hash } from 'node:crypto';

export function tokenKey(token: string): string {
  return hash('sha256', token, 'base64url'); // one-shot: about half the cost of createHash() per request
}

/**
 * Holds at most `maxEntries`: the entries of the last `maxEntries` insertions
 * that have not expired. The insertion order is kept in a ring, whose next slot
 * is always the oldest, so making room costs the same whatever the size. (Taking
 * the oldest entry of a Map instead gets slower as deletions pile up before its
 * next compaction: under a flood of unknown tokens, a cost per request growing
 * with the cache.)
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number; slot: number }>();
  /** order[slot] is the key whose entry holds that slot, or undefined. */
  private readonly order: (string | undefined)[] = [];
  private next = 0;

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.delete(key, entry.slot);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number, now = Date.now()): void {
    if (expiresAt <= now) return;
    const previous = this.entries.get(key);
    if (previous) this.delete(key, previous.slot); // a renewed entry counts as the newest
    const slot = this.next;
    this.next = (slot + 1) % this.maxEntries;
    const oldest = this.order[slot];
    if (oldest !== undefined) this.entries.delete(oldest);
    this.order[slot] = key;
    this.entries.set(key, { value, expiresAt, slot });
  }

  clear(): void {
    this.entries.clear();
    this.order.length = 0;
    this.next = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string, slot: number): void {
    this.entries.delete(key);
    this.order[slot] = undefined;
  }
}
