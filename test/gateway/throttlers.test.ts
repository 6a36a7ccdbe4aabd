import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisThrottler } from '../../src/gateway/redis-throttler.ts';
import { MemoryThrottler, type ThrottleHit } from '../../src/gateway/throttle.ts';
import { connectRedis } from '../../src/runtime/redis-link.ts';

/** The throttlers on their own: a worker's share of a tier without Redis, and the local fallback while Redis is down. */

class FrozenClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  now(): number {
    return this.nowMs;
  }
}

const tier = (limit: number): ThrottleHit[] => [{ key: 'sub|s1', limit, windowMs: 60_000 }];

/** How many hits in a row the throttler lets through before the first refusal. */
function allowedInARow(hitAll: () => unknown, max = 100): number {
  for (let n = 0; n < max; n++) if (hitAll() !== null) return n;
  return max;
}

describe('MemoryThrottler: each of N workers without Redis enforces 1/N of a tier', () => {
  it('a limit of 10 over 4 workers lets 2 through per worker and window, then refuses with Retry-After', () => {
    const clock = new FrozenClock();
    const worker = new MemoryThrottler(clock, 4);
    expect(allowedInARow(() => worker.hitAll(tier(10)))).toBe(2);
    expect(worker.hitAll(tier(10))).toEqual({ index: 0, retryAfterSeconds: 60 });
    clock.nowMs += 60_000;
    expect(allowedInARow(() => worker.hitAll(tier(10)))).toBe(2);
  });

  it('one process (share of 1) gets the whole limit; a share below one request still lets one through', () => {
    const byDefault = new MemoryThrottler(new FrozenClock());
    expect(allowedInARow(() => byDefault.hitAll(tier(10)))).toBe(10);
    const single = new MemoryThrottler(new FrozenClock(), 1);
    expect(allowedInARow(() => single.hitAll(tier(10)))).toBe(10);
    const tiny = new MemoryThrottler(new FrozenClock(), 4);
    expect(allowedInARow(() => tiny.hitAll(tier(3)))).toBe(1);
  });
});

describe('RedisThrottler: counts locally while Redis cannot answer (README, cluster mode)', () => {
  const quietLog = () => {
    const lines: string[] = [];
    return { lines, log: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }) };
  };

  it('a Redis whose commands fail: the local counters decide, one warning is logged, and Redis is used again once it answers', async () => {
    let down = true;
    let evals = 0;
    const redis = {
      eval: async () => {
        evals += 1;
        if (down) throw new Error('Connection is closed.');
        return null;
      },
    } as unknown as Redis;
    const { lines, log } = quietLog();
    const clock = new FrozenClock();
    const throttler = new RedisThrottler({ redis, fallback: new MemoryThrottler(clock), clock, log });
    for (let i = 0; i < 3; i++) expect(await throttler.hitAll(tier(3))).toBeNull();
    expect(await throttler.hitAll(tier(3))).toEqual({ index: 0, retryAfterSeconds: 60 });
    expect(evals).toBe(4);
    expect(lines.filter((l) => l.includes('counting locally'))).toHaveLength(1);

    down = false;
    // Redis answers again (this stub: under the limit), so the exhausted local window no longer decides.
    expect(await throttler.hitAll(tier(3))).toBeNull();
    expect(evals).toBe(5);
  });

  it('the real client, as cluster mode configures it, pointed at a closed port: fails fast and falls back', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { lines, log } = quietLog();
    const redis = connectRedis(`redis://127.0.0.1:${port}`, log, 'throttle-test');
    try {
      const clock = new FrozenClock();
      const throttler = new RedisThrottler({ redis, fallback: new MemoryThrottler(clock), clock, log });
      const started = Date.now();
      for (let i = 0; i < 2; i++) expect(await throttler.hitAll(tier(2))).toBeNull();
      expect(await throttler.hitAll(tier(2))).toEqual({ index: 0, retryAfterSeconds: 60 });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(lines.some((l) => l.includes('counting locally'))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
