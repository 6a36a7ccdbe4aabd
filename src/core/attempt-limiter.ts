import type { Clock } from './clock.ts';

export interface LimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

interface Window {
  count: number;
  startedAt: number;
}

/**
 * Counts failures per key in fixed windows (login and client-secret brute force, P08 and T19). A key
 * over its limit is refused until its window ends: back-off, never a permanent lockout.
 */
export class AttemptLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: { limit: number; windowMs: number; clock: Clock; maxKeys?: number },
  ) {}

  check(key: string): LimitDecision {
    const window = this.current(key);
    if (!window || window.count < this.options.limit) return { allowed: true, retryAfterSeconds: 0 };
    const retryAfterMs = window.startedAt + this.options.windowMs - this.options.clock.now();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  fail(key: string): void {
    const window = this.current(key);
    if (window) {
      window.count += 1;
      return;
    }
    if (this.windows.size >= (this.options.maxKeys ?? 100_000)) this.evictExpired();
    this.windows.set(key, { count: 1, startedAt: this.options.clock.now() });
  }

  /** Failures counted for `key` in its current window. */
  failures(key: string): number {
    return this.current(key)?.count ?? 0;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.startedAt + this.options.windowMs <= this.options.clock.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private evictExpired(): void {
    const now = this.options.clock.now();
    for (const [key, window] of this.windows) {
      if (window.startedAt + this.options.windowMs <= now) this.windows.delete(key);
    }
    // Still full: drop the oldest entries rather than grow without bound.
    for (const key of this.windows.keys()) {
      if (this.windows.size < (this.options.maxKeys ?? 100_000)) break;
      this.windows.delete(key);
    }
  }
}
