import { hash } from 'node:crypto';

/**
 * Verified-JWT cache (issue 4 §6): keyed by a hash of the token (no raw tokens kept), bounded in size
 * (least recently used evicted), and an entry never outlives the token's `exp`. Revocation is checked
 * on every request, cached or not.
 */
export class TokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number | null }>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  get(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || (entry.expiresAt !== null && entry.expiresAt <= now)) {
      if (entry) this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number | null): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
