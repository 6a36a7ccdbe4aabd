import type { Clock } from '../core/clock.ts';
import type { ThrottlePolicy } from '../core/model.ts';
import { windowMs } from '../core/policy-service.ts';
import type { Denial } from './outcomes.ts';

export interface ThrottleHit {
  key: string;
  limit: number;
  windowMs: number;
}

/** The first exhausted counter, by its index in the hits, and when its window ends. */
export interface ThrottleDenied {
  index: number;
  retryAfterSeconds: number;
}

/**
 * Counts hits per key in fixed windows, in order: each hit counts until the first one over its limit,
 * which is refused (and not counted). In memory here; shared through Redis in cluster mode.
 */
export interface Throttler {
  hitAll(hits: readonly ThrottleHit[]): ThrottleDenied | null | Promise<ThrottleDenied | null>;
  /** Forgets the counters of one key (every window): the next hit starts from zero. */
  reset(key: string): void | Promise<void>;
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

  hitAll(hits: readonly ThrottleHit[]): ThrottleDenied | null {
    const now = this.clock.now();
    for (let index = 0; index < hits.length; index++) {
      const hit = hits[index]!;
      let window = this.windows.get(hit.key);
      if (!window || window.endsAt <= now) {
        window = { count: 0, endsAt: now + hit.windowMs };
        this.windows.set(hit.key, window);
        if (++this.sweeps % 10_000 === 0) this.sweep(now);
      }
      if (window.count >= Math.max(1, Math.floor(hit.limit / this.shareOf))) {
        return { index, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
      }
      window.count += 1;
    }
    return null;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** A tier that limits this request (Unlimited tiers are left out by the caller), and its counter key. */
export interface ThrottleCheck {
  key: string;
  policy: ThrottlePolicy & { requestCount: number };
  denial: Denial;
}

/** Whether a tier limits at all (Unlimited ones have no request count). */
export const limits = (policy: ThrottlePolicy | undefined): policy is ThrottlePolicy & { requestCount: number } =>
  policy !== undefined && policy.requestCount !== null;

export type ThrottleOutcome = { denial: Denial; retryAfterSeconds: number } | null;

/**
 * Applies the limiting tiers in the order given (SPEC: API, resource, subscription, application); the
 * first exhausted one answers (WSO2 900800/900802/900804/900803). With none, or with in-memory
 * counters, the answer comes without a promise.
 */
export function throttle(throttler: Throttler, checks: readonly ThrottleCheck[]): ThrottleOutcome | Promise<ThrottleOutcome> {
  if (checks.length === 0) return null;
  const denied = throttler.hitAll(checks.map((c) => ({ key: c.key, limit: c.policy.requestCount, windowMs: windowMs(c.policy) })));
  const outcome = (d: ThrottleDenied | null): ThrottleOutcome => (d ? { denial: checks[d.index]!.denial, retryAfterSeconds: d.retryAfterSeconds } : null);
  return denied instanceof Promise ? denied.then(outcome) : outcome(denied);
}

/** The counter key of an application's tier. */
export const applicationThrottleKey = (applicationId: string): string => `app|${applicationId}`;
