// A bounded, time-limited cache of verified tokens, keyed by a SHA-256 of the
// token so that the token itself is never kept in memory (heap dumps) or
// printed by anything that inspects the cache.
import { hash } from 'node:crypto';

export function tokenKey(token: string): string {
  return hash('sha256', token, 'base64url'); // one-shot: about half the cost of createHash() per request
}

export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number, now = Date.now()): void {
    if (expiresAt <= now) return;
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop expired entries, then the oldest.
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, { value, expiresAt });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
