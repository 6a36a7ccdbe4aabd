import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { ThrottleDenied, ThrottleHit, Throttler } from './throttle.ts';

/**
 * All of a request's counters in one round trip: for each key in order, increment its current window
 * (expiring with the window) and stop at the first over its limit, undoing that one increment.
 * Returns {index, ms left in that window}, or nothing.
 */
const HIT_ALL = `
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i])
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('PEXPIRE', KEYS[i], window) end
  if count > limit then
    redis.call('DECR', KEYS[i])
    return { i - 1, redis.call('PTTL', KEYS[i]) }
  end
end
return nil
`;

/**
 * Tier counters shared by every gateway in Redis, so a limit holds cluster-wide. Keys carry the window
 * number, so windows line up across gateways. If Redis cannot answer, the local fallback counts
 * (this gateway only) until it is back; past the staleness bound the gateway fails closed anyway.
 */
export class RedisThrottler implements Throttler {
  private warned = false;

  constructor(
    private readonly deps: { redis: Redis; fallback: Throttler; clock: Clock; log: Logger },
  ) {}

  /** Deletes the key's counters in every window (a rare admin action: SCAN, not KEYS), and the fallback's. */
  async reset(key: string): Promise<void> {
    await this.deps.fallback.reset(key);
    let cursor = '0';
    for (let round = 0; round < 1000; round++) {
      const [next, keys] = await this.deps.redis.scan(cursor, 'MATCH', `gatehouse:throttle:${key}:*`, 'COUNT', 1000);
      if (keys.length > 0) await this.deps.redis.del(...keys);
      cursor = next;
      if (cursor === '0') return;
    }
  }

  async hitAll(hits: readonly ThrottleHit[]): Promise<ThrottleDenied | null> {
    const now = this.deps.clock.now();
    const keys = hits.map((h) => `gatehouse:throttle:${h.key}:${Math.floor(now / h.windowMs)}`);
    const args = hits.flatMap((h) => [h.limit, h.windowMs]);
    try {
      const result = (await this.deps.redis.eval(HIT_ALL, keys.length, ...keys, ...args)) as [number, number] | null;
      this.warned = false;
      if (!result) return null;
      return { index: result[0], retryAfterSeconds: Math.max(1, Math.ceil(Math.max(result[1], 0) / 1000)) };
    } catch (error) {
      if (!this.warned) this.deps.log.warn({ err: (error as Error).message }, 'redis throttling unavailable; counting locally');
      this.warned = true;
      return this.deps.fallback.hitAll(hits);
    }
  }
}
