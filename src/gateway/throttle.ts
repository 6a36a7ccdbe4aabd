import type { Clock } from '../core/clock.ts';
import { windowMs } from '../core/policy-service.ts';
import type { ThrottlePolicy } from '../core/model.ts';
import type { Denial } from './outcomes.ts';

export interface ThrottleResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** Counts hits per key in fixed windows. In memory here; shared through Redis in cluster mode. */
export interface Throttler {
  hit(key: string, limit: number, windowMs: number): ThrottleResult | Promise<ThrottleResult>;
  close?(): Promise<void>;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Fixed-window counters in process memory. With `shareOf` > 1 (several worker processes and no
 * Redis) each process enforces its share of the limit, so the tier holds across them approximately.
 */
export class MemoryThrottler implements Throttler {
  private readonly windows = new Map<string, Window>();
  private sweeps = 0;

  constructor(
    private readonly clock: Clock,
    private readonly shareOf = 1,
  ) {}

  hit(key: string, limit: number, windowLengthMs: number): ThrottleResult {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowLengthMs };
      this.windows.set(key, window);
      if (++this.sweeps % 10_000 === 0) this.sweep(now);
    }
    const allowed = window.count < Math.max(1, Math.floor(limit / this.shareOf));
    if (allowed) window.count += 1;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

export interface ThrottleCheck {
  key: string;
  policy: ThrottlePolicy | undefined;
  denial: Denial;
}

/**
 * Applies the API, resource, subscription and application tiers in that order; the first exhausted
 * one answers (WSO2 900800/900802/900804/900803). Unlimited tiers are skipped.
 */
export async function throttle(throttler: Throttler, checks: readonly ThrottleCheck[]): Promise<{ denial: Denial; retryAfterSeconds: number } | null> {
  for (const check of checks) {
    const policy = check.policy;
    if (!policy || policy.requestCount === null) continue;
    const result = await throttler.hit(check.key, policy.requestCount, windowMs(policy));
    if (!result.allowed) return { denial: check.denial, retryAfterSeconds: result.retryAfterSeconds };
  }
  return null;
}
