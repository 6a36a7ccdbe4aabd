/**
 * A bounded read-through cache for state that grows with the number of credentials (issue 11 §2):
 * values are looked up in the store on a miss, never copied whole into memory.
 *
 * - Bounded: at most `maxEntries`, least recently used evicted first.
 * - Coalescing: N concurrent misses of one key make one store read.
 * - Negative entries ("no such credential") live `negativeTtlMs`; a change event for the key
 *   (`created`, `update`) replaces them at once.
 * - A read that a change event overtook (the event arrived while the read was in flight, so the read
 *   may predate the change) is never cached nor used: it is read again.
 * - Positive entries are re-read in the background after `refreshAfterMs` (a safety net should an
 *   event ever be missed); while the store cannot answer, the known value keeps serving.
 *
 * Times are monotonic (`performance.now()`): how long an answer may be trusted is operational, not
 * domain time; credential expiry is checked by the caller with the domain clock.
 */
export interface CachedValue<V> {
  /** null: known not to exist (or known unusable, e.g. revoked). */
  readonly value: V | null;
}

interface Entry<V> extends CachedValue<V> {
  /** When the value was read or learnt from an event. */
  checkedAt: number;
}

export interface LookupCacheOptions<V> {
  maxEntries: number;
  negativeTtlMs: number;
  refreshAfterMs: number;
  load: (key: string) => Promise<V | null>;
  now?: () => number;
}

const MAX_OVERTAKEN_READS = 3;

export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V | null>>();
  /** Keys whose in-flight read a change event overtook. */
  private readonly overtaken = new Set<string>();
  private readonly now: () => number;
  hits = 0;
  misses = 0;
  loads = 0;

  constructor(private readonly options: LookupCacheOptions<V>) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The cached answer, synchronously, or undefined on a miss. A positive entry due for a refresh is
   * still answered from memory; the refresh runs in the background.
   */
  peek(key: string): CachedValue<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    const age = this.now() - entry.checkedAt;
    if (entry.value === null && age >= this.options.negativeTtlMs) {
      this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Re-insert: most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    if (entry.value !== null && age >= this.options.refreshAfterMs) this.refresh(key, entry);
    return entry;
  }

  /** Reads the key from the store (one read for all concurrent callers) and caches the answer. */
  fetch(key: string): Promise<V | null> {
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.read(key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /**
   * A change event says what the key now is (e.g. null: revoked). Only keys this cache knows or is
   * reading are touched: a mass revocation must not fill the cache with keys nobody presents.
   */
  update(key: string, value: V | null): void {
    if (this.inflight.has(key)) this.overtaken.add(key);
    if (this.entries.has(key)) this.put(key, value);
  }

  /**
   * A change event says the key now exists (issued): a negative answer, or a read in flight that may
   * predate it, must not stand. A positive answer stays (the event may arrive after it was read).
   */
  created(key: string): void {
    if (this.inflight.has(key)) this.overtaken.add(key);
    if (this.entries.get(key)?.value === null) this.entries.delete(key);
  }

  /** Drops every known value the predicate picks, and reads again whatever is in flight (its value is not known yet). */
  dropWhere(picks: (value: V) => boolean): void {
    for (const key of this.inflight.keys()) this.overtaken.add(key);
    for (const [key, entry] of this.entries) if (entry.value !== null && picks(entry.value)) this.entries.delete(key);
  }

  clear(): void {
    for (const key of this.inflight.keys()) this.overtaken.add(key);
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private async read(key: string): Promise<V | null> {
    for (let attempt = 0; attempt < MAX_OVERTAKEN_READS; attempt++) {
      this.overtaken.delete(key);
      this.loads++;
      const value = await this.options.load(key);
      if (!this.overtaken.has(key)) {
        this.put(key, value);
        return value;
      }
    }
    this.overtaken.delete(key);
    throw new Error('lookup kept being overtaken by change events');
  }

  private refresh(key: string, entry: Entry<V>): void {
    // Retry a failed refresh after a second, not on every request.
    entry.checkedAt = this.now() - this.options.refreshAfterMs + 1000;
    this.fetch(key).catch(() => undefined);
  }

  private put(key: string, value: V | null): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, checkedAt: this.now() });
  }
}
